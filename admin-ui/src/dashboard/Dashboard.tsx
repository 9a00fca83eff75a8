import { lazy, Suspense } from 'react';
import { Title, useTranslate } from 'react-admin';
import { DateRangeFields, useDateRange } from '../DateRangeFields.tsx';
import { HeatMap } from './HeatMap.tsx';
import { NonSubmitters } from './NonSubmitters.tsx';
import { Totals } from './Totals.tsx';

// The chart library is a third of the admin bundle: the figures show while it loads.
const AnomalyTrend = lazy(async () => ({ default: (await import('./AnomalyTrend.tsx')).AnomalyTrend }));

export const Dashboard = () => {
  const t = useTranslate();
  const range = useDateRange(14);
  const { from, to } = range;
  return (
    <div style={{ display: 'grid', gap: 16, padding: 16 }}>
      <Title title={t('dashboard.title')} />
      <Totals />
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
        <DateRangeFields range={range} />
      </div>
      <HeatMap from={from} to={to} />
      <Suspense fallback={null}>
        <AnomalyTrend from={from} to={to} />
      </Suspense>
      <NonSubmitters />
    </div>
  );
};
