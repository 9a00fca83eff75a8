// The work calendar of a year: statutory holidays and 调休 make-up days, the company's own days
// off and extra workdays (editable), and a warning when the year's holidays are not known yet.
import { Alert, Button, Card, CardContent, IconButton, MenuItem, Select, TextField } from '@mui/material';
import DeleteIcon from '@mui/icons-material/Delete';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Title, useLocaleState, useNotify, useTranslate } from 'react-admin';
import { useCompanyClock } from '../company-clock.ts';
import { getJson, httpClient } from '../dataProvider.ts';
import { dayName } from './day-name.ts';

interface Day {
  date: string;
  workday: boolean;
  source: string;
  name: string;
}

export const CalendarPage = () => {
  const t = useTranslate();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [locale] = useLocaleState();
  const clock = useCompanyClock();
  const [picked, setYear] = useState<number | undefined>();
  // The company's year until HR picks one (not the browser's: 31 Dec 17:00 UTC is already January in Shanghai).
  const year = picked ?? Number(clock?.today.slice(0, 4) ?? new Date().getFullYear());
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<'day_off' | 'workday'>('day_off');
  const [note, setNote] = useState('');
  const { data } = useQuery({
    queryKey: ['calendar', year],
    queryFn: () =>
      getJson<{ covered: boolean; warning: string | null; specialDays: Day[] }>(`/api/calendar/${year}`),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['calendar'] });
  const add = async () => {
    try {
      await httpClient(`/api/calendar/overrides/${date}`, {
        method: 'PUT',
        body: JSON.stringify({ kind, ...(note ? { note } : {}) }),
      });
      setDate('');
      setNote('');
      await refresh();
    } catch (e) {
      notify(String((e as Error).message), { type: 'error' });
    }
  };
  const remove = async (d: string) => {
    await httpClient(`/api/calendar/overrides/${d}`, { method: 'DELETE' });
    await refresh();
  };
  return (
    <Card style={{ margin: 16 }}>
      <Title title={t('calendar.title')} />
      <CardContent style={{ display: 'grid', gap: 16 }}>
        <TextField
          size="small"
          type="number"
          label={t('calendar.year')}
          value={year}
          onChange={(e) => setYear(Number(e.target.value))}
          style={{ width: 120 }}
        />
        {data && !data.covered ? (
          <Alert severity="warning">{t('calendar.not_covered', { year })}</Alert>
        ) : null}
        <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
          <TextField size="small" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
          <Select size="small" value={kind} onChange={(e) => setKind(e.target.value)}>
            <MenuItem value="day_off">{t('calendar.day_off')}</MenuItem>
            <MenuItem value="workday">{t('calendar.workday')}</MenuItem>
          </Select>
          <TextField
            size="small"
            label={t('calendar.note')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <Button variant="contained" disabled={!date} onClick={() => void add()}>
            {t('ra.action.add')}
          </Button>
        </div>
        <table data-testid="calendar-days" style={{ fontSize: 14 }}>
          <tbody>
            {(data?.specialDays ?? []).map((d) => (
              <tr key={d.date}>
                <td style={{ paddingRight: 16 }}>{d.date}</td>
                <td style={{ paddingRight: 16 }}>
                  {d.workday ? t('calendar.workday') : t('calendar.day_off')}
                </td>
                <td style={{ paddingRight: 16 }}>{dayName(d.name, locale, t)}</td>
                <td style={{ paddingRight: 16 }}>{t(`calendar.source.${d.source}`)}</td>
                <td>
                  {d.source === 'company' ? (
                    <IconButton
                      size="small"
                      aria-label={t('ra.action.delete')}
                      onClick={() => void remove(d.date)}
                    >
                      <DeleteIcon fontSize="small" />
                    </IconButton>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </CardContent>
    </Card>
  );
};
