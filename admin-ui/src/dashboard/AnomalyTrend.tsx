import { Card, CardContent, CardHeader } from '@mui/material';
import { useTranslate } from 'react-admin';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useJson } from './useJson.ts';

export const AnomalyTrend = ({ from, to }: { from: string; to: string }) => {
  const t = useTranslate();
  const { data } = useJson<{ days: { work_date: string; warnings: number; reds: number }[] }>(
    from && to ? `/api/dashboard/trend?from=${from}&to=${to}` : null,
  );
  return (
    <Card>
      <CardHeader title={t('dashboard.trend')} />
      <CardContent style={{ height: 260 }}>
        <ResponsiveContainer>
          <LineChart data={data?.days ?? []}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="work_date" tickFormatter={(d: string) => d.slice(5)} />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Line type="monotone" dataKey="warnings" name={t('dashboard.warnings')} stroke="#e6a700" />
            <Line type="monotone" dataKey="reds" name={t('dashboard.reds')} stroke="#d32f2f" />
          </LineChart>
        </ResponsiveContainer>
      </CardContent>
    </Card>
  );
};
