// A from/to pair of date fields, with the range held by the caller (dashboard, exports).
import { TextField } from '@mui/material';
import { useState } from 'react';
import { useTranslate } from 'react-admin';

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** A date range state starting `days` days ago and ending today. */
export const useDateRange = (days: number) => {
  const [to, setTo] = useState(iso(new Date()));
  const [from, setFrom] = useState(iso(new Date(Date.now() - (days - 1) * 86_400_000)));
  return { from, to, setFrom, setTo };
};

export const DateRangeFields = ({ range }: { range: ReturnType<typeof useDateRange> }) => {
  const t = useTranslate();
  return (
    <>
      <TextField
        type="date"
        size="small"
        label={t('dashboard.from')}
        value={range.from}
        onChange={(e) => range.setFrom(e.target.value)}
      />
      <TextField
        type="date"
        size="small"
        label={t('dashboard.to')}
        value={range.to}
        onChange={(e) => range.setTo(e.target.value)}
      />
    </>
  );
};
