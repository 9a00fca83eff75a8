// Today's people without a record, refreshed every 10 s, with the reminder level they reached. The
// API sends the most chased first (a page, with the total) and the per-department counts.
import { Card, CardContent, CardHeader, MenuItem, Select, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { ProxyCheckinButton } from '../proxy/ProxyCheckinButton.tsx';
import { useJson } from './useJson.ts';

interface Person {
  id: number;
  name: string;
  department_id: number;
  department_name: string;
  level_reached: number;
  reminder_delivery: 'read' | 'unread' | 'failed' | 'forbidden' | null;
}

export const NonSubmitters = () => {
  const t = useTranslate();
  const [dept, setDept] = useState<number | ''>('');
  const { data } = useJson<{
    people: Person[];
    total: number;
    departments: { id: number; name: string; count: number }[];
  }>(`/api/dashboard/non-submitters${dept ? `?department=${dept}` : ''}`, 10_000);
  const departments = data?.departments ?? [];
  const people = data?.people ?? [];
  return (
    <Card>
      <CardHeader title={t('dashboard.non_submitters')} subheader={t('dashboard.refreshed')} />
      <CardContent>
        <Select size="small" value={dept} displayEmpty onChange={(e) => setDept(e.target.value)}>
          <MenuItem value="">{t('dashboard.all_departments')}</MenuItem>
          {departments.map((d) => (
            <MenuItem key={d.id} value={d.id}>
              {d.name} ({d.count})
            </MenuItem>
          ))}
        </Select>
        {people.length === 0 ? (
          <Typography style={{ marginTop: 12 }}>{t('dashboard.nobody')}</Typography>
        ) : (
          <table style={{ marginTop: 12, fontSize: 14 }} data-testid="non-submitters">
            {data && data.total > people.length && (
              <caption style={{ captionSide: 'bottom', textAlign: 'left', paddingTop: 8 }}>
                {t('dashboard.showing_first', { shown: people.length, total: data.total })}
              </caption>
            )}
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
                  <td style={{ paddingRight: 16 }}>{p.name}</td>
                  <td style={{ paddingRight: 16 }}>{p.department_name}</td>
                  <td style={{ paddingRight: 16 }}>{p.level_reached}/3</td>
                  <td style={{ paddingRight: 16 }} data-testid="reminder-delivery">
                    {p.reminder_delivery ? t(`reminder_delivery.${p.reminder_delivery}`) : ''}
                  </td>
                  <td>
                    <ProxyCheckinButton employee={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardContent>
    </Card>
  );
};
