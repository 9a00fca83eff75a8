// Company check-in policy: zone, window, reminder times and levels, late rule. A change is saved as
// a new version in force from tomorrow (or a later date); today's running days keep theirs.
import { Button, Checkbox, FormControlLabel, MenuItem, Select, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { httpClient } from '../dataProvider.ts';
import { SettingsShell, useSettingsDocument } from '../layout/SettingsShell.tsx';
import { PrivacySettingsCard } from './PrivacySettings.tsx';

interface Policy {
  timeZone: string;
  windowStart: string;
  windowEnd: string;
  reminderTimes: [string, string, string];
  lateSubmissions: 'accept' | 'refuse';
  lateGraceMinutes: number;
  dingPhoneCall: boolean;
  enabledLevels: number[];
}

export const SettingsPage = () => {
  const { t, notify, data, reload, fail } = useSettingsDocument<{
    current: Policy;
    versions: { effectiveFrom: string; policy: Policy }[];
  }>('policy', '/api/policy');
  const [p, setP] = useState<Policy | null>(null);
  const [effectiveFrom, setEffectiveFrom] = useState('');
  useEffect(() => {
    if (data && !p) setP(data.current);
  }, [data, p]);
  if (!p) return null;

  const set = <K extends keyof Policy>(k: K, v: Policy[K]) => setP({ ...p, [k]: v });
  const setTime = (i: number, v: string) =>
    set('reminderTimes', p.reminderTimes.map((x, j) => (j === i ? v : x)) as Policy['reminderTimes']);
  const toggleLevel = (l: number) =>
    set(
      'enabledLevels',
      p.enabledLevels.includes(l) ? p.enabledLevels.filter((x) => x !== l) : [...p.enabledLevels, l].sort(),
    );
  const save = async () => {
    try {
      const res = await httpClient('/api/policy', {
        method: 'PUT',
        body: JSON.stringify({ policy: p, ...(effectiveFrom ? { effectiveFrom } : {}) }),
      });
      notify('settings.saved', {
        type: 'success',
        messageArgs: { date: (res.json as { effectiveFrom: string }).effectiveFrom },
      });
      await reload();
    } catch (e) {
      // The code and each rule in the UI's words, each field by its label here (not
      // "policy.enabledLevels: levels must not repeat").
      const labelOf = (field: string) => {
        const name =
          field
            .split('.')
            .filter((k) => !/^\d+$/.test(k))
            .at(-1) ?? field;
        return t(`settings.fields.${name}`, { _: name });
      };
      fail(e, labelOf);
    }
  };

  return (
    <>
      <SettingsShell title={t('settings.title')} contentStyle={{ display: 'grid', gap: 16, maxWidth: 720 }}>
        <TextField
          size="small"
          label={t('settings.time_zone')}
          value={p.timeZone}
          onChange={(e) => set('timeZone', e.target.value)}
        />
        <div style={{ display: 'flex', gap: 12 }}>
          <TextField
            size="small"
            type="time"
            label={t('settings.window_start')}
            value={p.windowStart}
            onChange={(e) => set('windowStart', e.target.value)}
          />
          <TextField
            size="small"
            type="time"
            label={t('settings.window_end')}
            value={p.windowEnd}
            onChange={(e) => set('windowEnd', e.target.value)}
          />
        </div>
        <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
          {[0, 1, 2].map((i) => (
            <div key={i} style={{ display: 'flex', alignItems: 'center' }}>
              <Checkbox checked={p.enabledLevels.includes(i + 1)} onChange={() => toggleLevel(i + 1)} />
              <TextField
                size="small"
                type="time"
                label={t(`settings.level_${i + 1}`)}
                value={p.reminderTimes[i]}
                onChange={(e) => setTime(i, e.target.value)}
              />
            </div>
          ))}
        </div>
        <div style={{ display: 'flex', gap: 12, alignItems: 'center' }}>
          <Select
            size="small"
            value={p.lateSubmissions}
            onChange={(e) => set('lateSubmissions', e.target.value)}
          >
            <MenuItem value="accept">{t('settings.late_accept')}</MenuItem>
            <MenuItem value="refuse">{t('settings.late_refuse')}</MenuItem>
          </Select>
          <TextField
            size="small"
            type="number"
            label={t('settings.late_grace')}
            value={p.lateGraceMinutes}
            onChange={(e) => set('lateGraceMinutes', Number(e.target.value))}
          />
          <FormControlLabel
            control={
              <Checkbox checked={p.dingPhoneCall} onChange={(e) => set('dingPhoneCall', e.target.checked)} />
            }
            label={t('settings.ding_phone')}
          />
        </div>
        <TextField
          size="small"
          type="date"
          label={t('settings.effective_from')}
          helperText={t('settings.effective_help')}
          slotProps={{ inputLabel: { shrink: true } }}
          value={effectiveFrom}
          onChange={(e) => setEffectiveFrom(e.target.value)}
        />
        <div>
          <Button variant="contained" onClick={() => void save()}>
            {t('ra.action.save')}
          </Button>
        </div>
        <Typography variant="subtitle2">{t('settings.versions')}</Typography>
        <ul data-testid="policy-versions" style={{ margin: 0 }}>
          {(data?.versions ?? []).map((v) => (
            <li key={v.effectiveFrom}>
              {v.effectiveFrom}: {v.policy.reminderTimes.join(' / ')} ({v.policy.timeZone})
            </li>
          ))}
        </ul>
      </SettingsShell>
      <PrivacySettingsCard />
    </>
  );
};
