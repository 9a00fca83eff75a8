// Departments × every day of the range, colour and figure = submission rate, weekends and holidays
// marked; a click opens that department's records of the day.
import { Card, CardContent, CardHeader } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { useLocaleState, useTranslate } from 'react-admin';
import { dayName } from '../calendar/day-name.ts';
import { useJson } from './useJson.ts';

interface Cell {
  department_id: number;
  work_date: string;
  expected: number;
  submitted: number;
  rate: number;
}
interface Day {
  date: string;
  workday: boolean;
  name: string;
}

const colour = (rate: number) => `hsl(${Math.round(rate * 120)}, 65%, ${72 - rate * 22}%)`;
const NO_DATA = '#f3f3f3';
/** Days off get a hatched background behind an empty cell, so they read as "not a work day". */
const DAY_OFF = 'repeating-linear-gradient(135deg, #f3f3f3 0 4px, #e2e2e2 4px 6px)';
const percent = (rate: number) => `${Math.round(rate * 100)}%`;

export const HeatMap = ({ from, to }: { from: string; to: string }) => {
  const t = useTranslate();
  const [locale] = useLocaleState();
  const navigate = useNavigate();
  const { data } = useJson<{ days: Day[]; cells: Cell[]; departments: { id: number; name: string }[] }>(
    from && to ? `/api/dashboard/heatmap?from=${from}&to=${to}` : null,
  );
  const days = data?.days ?? [];
  const at = new Map((data?.cells ?? []).map((c) => [`${c.department_id}|${c.work_date}`, c]));
  const open = (dept: number, day: string) =>
    navigate(
      `/records?filter=${encodeURIComponent(JSON.stringify({ department_id: dept, work_date: day }))}`,
    );
  return (
    <Card>
      <CardHeader title={t('dashboard.heatmap')} />
      <CardContent style={{ overflowX: 'auto' }}>
        <table style={{ borderCollapse: 'collapse', fontSize: 12 }} data-testid="heatmap">
          <thead>
            <tr>
              <th />
              {days.map((d) => {
                const name = d.name ? dayName(d.name, locale, t) : '';
                return (
                  <th
                    key={d.date}
                    data-date={d.date}
                    data-workday={String(d.workday)}
                    title={name || (d.workday ? '' : t('dashboard.day_off'))}
                    style={{ padding: '0 2px', fontWeight: 400, color: d.workday ? undefined : '#b23c17' }}
                  >
                    {d.date.slice(5)}
                    <div style={{ fontSize: 10, minHeight: 13 }}>
                      {d.workday ? '' : t('dashboard.day_off_short')}
                    </div>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {(data?.departments ?? []).map(({ id, name }) => (
              <tr key={id}>
                <td style={{ paddingRight: 8, whiteSpace: 'nowrap' }}>{name}</td>
                {days.map((d) => {
                  const c = at.get(`${id}|${d.date}`);
                  return (
                    <td
                      key={d.date}
                      data-date={d.date}
                      title={c ? `${name} ${d.date}: ${c.submitted}/${c.expected}` : undefined}
                      onClick={() => c && open(id, d.date)}
                      style={{
                        minWidth: 40,
                        height: 28,
                        textAlign: 'center',
                        background: c ? colour(c.rate) : d.workday ? NO_DATA : DAY_OFF,
                        cursor: c ? 'pointer' : 'default',
                        border: '1px solid #fff',
                      }}
                    >
                      {c ? percent(c.rate) : ''}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
        <Legend t={t} />
      </CardContent>
    </Card>
  );
};

const Legend = ({ t }: { t: (key: string) => string }) => {
  const swatch = (background: string, label: string) => (
    <span key={label} style={{ display: 'inline-flex', alignItems: 'center', gap: 4, marginRight: 16 }}>
      <span style={{ width: 18, height: 14, background, border: '1px solid #ddd' }} />
      {label}
    </span>
  );
  return (
    <div style={{ marginTop: 12, fontSize: 12 }} data-testid="heatmap-legend">
      {[0, 0.5, 0.8, 1].map((r) => swatch(colour(r), percent(r)))}
      {swatch(NO_DATA, t('dashboard.no_data'))}
      {swatch(DAY_OFF, t('dashboard.day_off'))}
    </div>
  );
};
