// A from/to pair of date fields, with the range held by the caller (dashboard, exports). The
// default range ends on the company's today (from the API), not on the browser's UTC date.
import { TextField } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { addDays, useCompanyClock } from './company-clock.ts';

/**
 * A date range ending on the company's today and `days` days long, until the user picks dates.
 * `from` and `to` are '' until the company clock has loaded (callers wait for `ready`).
 */
export const useDateRange = (days: number) => {
  const clock = useCompanyClock();
  const [picked, setPicked] = useState<{ from?: string; to?: string }>({});
  const to = picked.to ?? clock?.today ?? '';
  const from = picked.from ?? (to ? addDays(to, -(days - 1)) : '');
  return {
    from,
    to,
    ready: Boolean(from && to),
    setFrom: (from: string) => setPicked((p) => ({ ...p, from })),
    setTo: (to: string) => setPicked((p) => ({ ...p, to })),
  };
};

export const DateRangeFields = ({ range }: { range: ReturnType<typeof useDateRange> }) => {
  const t = useTranslate();
  // The label always sits above the field: a date input shows its own placeholder (yyyy/mm/dd).
  const field = (which: 'from' | 'to') =>
    ({
      type: 'date',
      size: 'small',
      sx: { width: 170, flex: 'none' },
      label: t(`dashboard.${which}`),
      value: range[which],
      slotProps: { inputLabel: { shrink: true }, htmlInput: { 'data-testid': `range-${which}` } },
    }) as const;
  return (
    <>
      <TextField {...field('from')} onChange={(e) => range.setFrom(e.target.value)} />
      <TextField {...field('to')} onChange={(e) => range.setTo(e.target.value)} />
    </>
  );
};
