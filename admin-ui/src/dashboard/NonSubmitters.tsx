// Today's people without a record, refreshed every 10 s, with the reminder level they reached. The
// API sends the most chased first, a page of 20 at a time with the total, and the per-department counts.
import { Card, CardContent, CardHeader, MenuItem, Select, TablePagination, Typography } from '@mui/material';
import { useState } from 'react';
import { Link, useTranslate } from 'react-admin';
import { ProxyCheckinButton } from '../proxy/ProxyCheckinButton.tsx';
import { RemindNowButton } from '../reminders/RemindNowButton.tsx';
import { useJson } from './useJson.ts';
import { ReminderLevel } from '../reminders/ReminderLevel.tsx';

interface Person {
  id: number;
  name: string;
  department_id: number;
  department_name: string;
  level_reached: number;
  skipped_levels?: number[];
  reminder_delivery: 'read' | 'unread' | 'failed' | 'forbidden' | null;
}

export const NonSubmitters = () => {
  const t = useTranslate();
  const [dept, setDept] = useState<number | ''>('');
  const [page, setPage] = useState(1);
  const { data } = useJson<{
    people: Person[];
    total: number;
    perPage: number;
    departments: { id: number; name: string; count: number }[];
  }>(`/api/dashboard/non-submitters?page=${page}${dept ? `&department=${dept}` : ''}`, 10_000);
  const departments = data?.departments ?? [];
  const people = data?.people ?? [];
  return (
    <Card>
      <CardHeader title={t('dashboard.non_submitters')} subheader={t('dashboard.refreshed')} />
      <CardContent>
        <Select
          size="small"
          value={dept}
          displayEmpty
          onChange={(e) => {
            setDept(e.target.value);
            setPage(1);
          }}
        >
          <MenuItem value="">{t('dashboard.all_departments')}</MenuItem>
          {departments.map((d) => (
            <MenuItem key={d.id} value={d.id}>
              {d.name} ({d.count})
            </MenuItem>
          ))}
        </Select>
        {dept !== '' && (data?.total ?? 0) > 0 && <RemindNowButton key={dept} departmentId={dept} />}
        {people.length === 0 ? (
          <Typography style={{ marginTop: 12 }}>{t('dashboard.nobody')}</Typography>
        ) : (
          <table style={{ marginTop: 12, fontSize: 14 }} data-testid="non-submitters">
            <thead>
              <tr>
                <th align="left">{t('resources.employees.fields.name')}</th>
                <th align="left">{t('dashboard.department')}</th>
                <th align="left">{t('dashboard.level')}</th>
                <th align="left">{t('dashboard.reminder_delivery')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td style={{ paddingRight: 16 }}>
                    {/* the person's history: their days, readings and reminders */}
                    <Link to={`/employees/${p.id}/show`} data-testid="non-submitter-link">
                      {p.name}
                    </Link>
                  </td>
                  <td style={{ paddingRight: 16 }}>{p.department_name}</td>
                  <td style={{ paddingRight: 16 }}>
                    <ReminderLevel level={p.level_reached} skipped={p.skipped_levels} />
                  </td>
                  <td style={{ paddingRight: 16 }} data-testid="reminder-delivery">
                    {p.reminder_delivery ? t(`reminder_delivery.${p.reminder_delivery}`) : ''}
                  </td>
                  <td>
                    <ProxyCheckinButton employee={p} />
                    <RemindNowButton employeeIds={[p.id]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data && data.total > data.perPage && (
          <TablePagination
            component="div"
            data-testid="non-submitters-pages"
            count={data.total}
            page={page - 1}
            rowsPerPage={data.perPage}
            rowsPerPageOptions={[data.perPage]}
            onPageChange={(_e, p) => setPage(p + 1)}
            labelDisplayedRows={({ from, to, count }) => t('dashboard.rows_of', { from, to, count })}
          />
        )}
      </CardContent>
    </Card>
  );
};
