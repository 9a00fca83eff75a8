import { TextField } from '@mui/material';
import { useState } from 'react';
import { Title, useTranslate } from 'react-admin';
import { AnomalyTrend } from './AnomalyTrend.tsx';
import { HeatMap } from './HeatMap.tsx';
import { NonSubmitters } from './NonSubmitters.tsx';
import { Totals } from './Totals.tsx';

const iso = (d: Date) => d.toISOString().slice(0, 10);

export const Dashboard = () => {
  const t = useTranslate();
  const [to, setTo] = useState(iso(new Date()));
  const [from, setFrom] = useState(iso(new Date(Date.now() - 13 * 86_400_000)));
  return (
    <div style={{ display: 'grid', gap: 16, padding: 16 }}>
      <Title title={t('dashboard.title')} />
      <Totals />
      <div style={{ display: 'flex', gap: 12 }}>
        <TextField
          type="date"
          size="small"
          label={t('dashboard.from')}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <TextField
          type="date"
          size="small"
          label={t('dashboard.to')}
          value={to}
          onChange={(e) => setTo(e.target.value)}
        />
      </div>
      <HeatMap from={from} to={to} />
      <AnomalyTrend from={from} to={to} />
      <NonSubmitters />
    </div>
  );
};
