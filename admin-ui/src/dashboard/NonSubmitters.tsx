// Today's people without a record, refreshed every 10 s, with the reminder level they reached.
import { Card, CardContent, CardHeader, MenuItem, Select, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { useJson } from './useJson.ts';

interface Person {
  id: number;
  name: string;
  department_id: number;
  department_name: string;
  level_reached: number;
}

export const NonSubmitters = () => {
  const t = useTranslate();
  const [dept, setDept] = useState<number | ''>('');
  const { data } = useJson<{ people: Person[] }>(
    `/api/dashboard/non-submitters${dept ? `?department=${dept}` : ''}`,
    10_000,
  );
  const { data: all } = useJson<{ people: Person[] }>('/api/dashboard/non-submitters', 10_000);
  const departments = [
    ...new Map((all?.people ?? []).map((p) => [p.department_id, p.department_name])).entries(),
  ];
  const people = data?.people ?? [];
  return (
    <Card>
      <CardHeader title={t('dashboard.non_submitters')} subheader={t('dashboard.refreshed')} />
      <CardContent>
        <Select size="small" value={dept} displayEmpty onChange={(e) => setDept(e.target.value)}>
          <MenuItem value="">{t('dashboard.all_departments')}</MenuItem>
          {departments.map(([id, name]) => (
            <MenuItem key={id} value={id}>
              {name}
            </MenuItem>
          ))}
        </Select>
        {people.length === 0 ? (
          <Typography style={{ marginTop: 12 }}>{t('dashboard.nobody')}</Typography>
        ) : (
          <table style={{ marginTop: 12, fontSize: 14 }} data-testid="non-submitters">
            <thead>
              <tr>
                <th align="left">{t('resources.employees.fields.name')}</th>
                <th align="left">{t('dashboard.department')}</th>
                <th align="left">{t('dashboard.level')}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id}>
                  <td style={{ paddingRight: 16 }}>{p.name}</td>
                  <td style={{ paddingRight: 16 }}>{p.department_name}</td>
                  <td>{p.level_reached}/3</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardContent>
    </Card>
  );
};
