// Departments × days, colour = submission rate; a click opens that department's records of the day.
import { Card, CardContent, CardHeader } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { useTranslate } from 'react-admin';
import { useJson } from './useJson.ts';

interface Cell {
  department_id: number;
  work_date: string;
  expected: number;
  submitted: number;
  rate: number | null;
}

const colour = (rate: number | null | undefined) =>
  rate === null || rate === undefined ? '#eeeeee' : `hsl(${Math.round(rate * 120)}, 65%, ${70 - rate * 20}%)`;

export const HeatMap = ({ from, to }: { from: string; to: string }) => {
  const t = useTranslate();
  const navigate = useNavigate();
  const { data } = useJson<{ cells: Cell[]; departments: { id: number; name: string }[] }>(
    `/api/dashboard/heatmap?from=${from}&to=${to}`,
  );
  const cells = data?.cells ?? [];
  const days = [...new Set(cells.map((c) => c.work_date))].sort();
  const depts = (data?.departments ?? []).map((d) => [d.id, d.name] as const);
  const at = new Map(cells.map((c) => [`${c.department_id}|${c.work_date}`, c]));
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
              {days.map((d) => (
                <th key={d} style={{ padding: '0 4px', fontWeight: 400 }}>
                  {d.slice(5)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {depts.map(([id, name]) => (
              <tr key={id}>
                <td style={{ paddingRight: 8, whiteSpace: 'nowrap' }}>{name}</td>
                {days.map((d) => {
                  const c = at.get(`${id}|${d}`);
                  return (
                    <td
                      key={d}
                      title={c ? `${name} ${d}: ${c.submitted}/${c.expected}` : ''}
                      onClick={() => c && open(id, d)}
                      style={{
                        width: 28,
                        height: 22,
                        background: colour(c?.rate),
                        cursor: c ? 'pointer' : 'default',
                        border: '1px solid #fff',
                      }}
                    />
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </CardContent>
    </Card>
  );
};
