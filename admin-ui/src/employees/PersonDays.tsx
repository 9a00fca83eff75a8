// The person's days, newest first: every date of a month with its outcome — submitted on time or
// late, missed, still open, exempt and why (leave, a trip, part-time), a weekend or holiday — with
// the day's reading and the reminder level it reached. A submitted day opens its record.
import { Button, Chip, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocaleState, useRecordContext, useTranslate } from 'react-admin';
import { useNavigate } from 'react-router-dom';
import { dayName } from '../calendar/day-name.ts';
import { addDays, formatCalendarDate, weekdayOf } from '../company-clock.ts';
import { useCompanyTime } from '../company-date-fields.tsx';
import { getJson } from '../dataProvider.ts';

type Outcome = 'on_time' | 'late' | 'missed' | 'pending' | 'exempt' | 'day_off' | 'not_planned';

interface PersonDay {
  work_date: string;
  outcome: Outcome;
  reason: 'leave' | 'business_trip' | 'part_time' | 'weekend' | 'holiday' | 'consent_withdrawn' | null;
  reason_note: string | null;
  level_reached: number;
  record: {
    id: number;
    submitted_at: string;
    severity: 'normal' | 'warning' | 'red';
    answers: Record<string, unknown> | null;
  } | null;
}

const PAGE_DAYS = 31;
const colours: Record<Outcome, 'success' | 'warning' | 'error' | 'default' | 'info'> = {
  on_time: 'success',
  late: 'warning',
  missed: 'error',
  pending: 'info',
  exempt: 'default',
  day_off: 'default',
  not_planned: 'default',
};
const severityColours = { normal: 'success', warning: 'warning', red: 'error' } as const;

export const PersonDays = () => {
  const person = useRecordContext<{ id: number }>();
  const t = useTranslate();
  const [locale] = useLocaleState();
  const companyTime = useCompanyTime();
  const navigate = useNavigate();
  /** the last date shown; undefined: the company's today (the server decides) */
  const [to, setTo] = useState<string | undefined>();
  const { data } = useQuery({
    queryKey: ['employee-days', person?.id, to],
    queryFn: () =>
      getJson<{ from: string; to: string; today: string; days: PersonDay[] }>(
        `/api/ra/employees/${person?.id}/days?days=${PAGE_DAYS}${to ? `&to=${to}` : ''}`,
      ),
    enabled: person !== undefined,
  });
  if (!data) return null;

  const reason = (d: PersonDay) => {
    if (d.reason === 'holiday') return dayName(d.reason_note ?? '', locale, t);
    const text = d.reason ? t(`employee_history.reason.${d.reason}`) : '';
    if (!d.reason_note) return text;
    return locale === 'en' ? `${text} (${d.reason_note})` : `${text}（${d.reason_note}）`;
  };
  return (
    <div data-testid="person-days">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '8px 0' }}>
        <Button size="small" onClick={() => setTo(addDays(data.from, -1))}>
          {t('employee_history.earlier')}
        </Button>
        <span>
          {formatCalendarDate(data.from, locale)} – {formatCalendarDate(data.to, locale)}
        </span>
        <Button
          size="small"
          disabled={data.to >= data.today}
          onClick={() =>
            setTo(addDays(data.to, PAGE_DAYS) >= data.today ? undefined : addDays(data.to, PAGE_DAYS))
          }
        >
          {t('employee_history.later')}
        </Button>
      </div>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>{t('employee_history.date')}</TableCell>
            <TableCell>{t('employee_history.outcome_label')}</TableCell>
            <TableCell>{t('employee_history.reason_label')}</TableCell>
            <TableCell>{t('resources.records.fields.temperature')}</TableCell>
            <TableCell>{t('resources.records.fields.health_code')}</TableCell>
            <TableCell>{t('resources.records.fields.severity')}</TableCell>
            <TableCell>{t('resources.records.fields.submitted_at')}</TableCell>
            <TableCell>{t('employee_history.level_reached')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {data.days.map((d) => {
            const r = d.record;
            const temperature = r?.answers?.temperature;
            const code = r?.answers?.healthCode;
            return (
              <TableRow
                key={d.work_date}
                data-date={d.work_date}
                data-outcome={d.outcome}
                hover={!!r}
                style={{
                  cursor: r ? 'pointer' : undefined,
                  background: d.outcome === 'day_off' ? 'rgba(0,0,0,0.03)' : undefined,
                }}
                onClick={r ? () => navigate(`/records/${r.id}/show`) : undefined}
              >
                <TableCell>
                  {formatCalendarDate(d.work_date, locale)}{' '}
                  {t(`employee_history.weekday.${weekdayOf(d.work_date)}`)}
                </TableCell>
                <TableCell>
                  <Chip
                    size="small"
                    color={colours[d.outcome]}
                    label={t(`employee_history.outcome.${d.outcome}`)}
                  />
                </TableCell>
                <TableCell data-testid="day-reason">{reason(d)}</TableCell>
                <TableCell>{typeof temperature === 'number' ? `${temperature} ℃` : ''}</TableCell>
                <TableCell>{typeof code === 'string' ? t(`health_code.${code}`, { _: code }) : ''}</TableCell>
                <TableCell>
                  {r && (
                    <Chip
                      size="small"
                      color={severityColours[r.severity]}
                      label={t(`app.severity.${r.severity}`)}
                    />
                  )}
                </TableCell>
                <TableCell>{r ? companyTime(r.submitted_at) : ''}</TableCell>
                <TableCell>{d.level_reached > 0 ? t(`reminders.level.${d.level_reached}`) : ''}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
};
