import { Card, CardContent, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useJson } from './useJson.ts';

interface Today {
  workDate: string;
  expected: number;
  submitted: number;
  pending: number;
  anomalies: number;
  missed: number;
  /** not asked today: they withdrew consent to the privacy notice (not missed) */
  consentWithdrawn: number;
}

export const Totals = () => {
  const t = useTranslate();
  const { data } = useJson<Today>('/api/dashboard/today', 10_000);
  const items = ['expected', 'submitted', 'pending', 'anomalies', 'missed', 'consentWithdrawn'] as const;
  return (
    <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
      {items.map((k) => (
        <Card key={k} style={{ minWidth: 140 }} data-testid={`total-${k}`}>
          <CardContent>
            <Typography color="text.secondary">{t(`dashboard.${k}`)}</Typography>
            <Typography variant="h4">{data ? data[k] : '…'}</Typography>
          </CardContent>
        </Card>
      ))}
    </div>
  );
};
