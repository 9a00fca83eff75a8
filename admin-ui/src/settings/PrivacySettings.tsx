// The company's privacy settings (PIPL minimisation): how long each data class is kept — empty
// means the configured default, shown beside it —, the precision locations are stored at, and how
// long after a person leaves their health data is deleted. Admins change them; others read.
import { Button, MenuItem, Select, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useCanAccess } from 'react-admin';
import type { PrivacySettings } from '../../../domain/privacy/settings.ts';
import { httpClient } from '../dataProvider.ts';
import { SettingsShell, useSettingsDocument } from '../layout/SettingsShell.tsx';

interface PrivacyView {
  settings: PrivacySettings;
  effective?: {
    records: number;
    photos: number;
    locations: number;
    audit: number;
    departedGraceDays: number;
  };
}

const dayFields = [
  ['recordRetentionDays', 'records'],
  ['photoRetentionDays', 'photos'],
  ['locationRetentionDays', 'locations'],
  ['auditRetentionDays', 'audit'],
] as const;

export const PrivacySettingsCard = () => {
  const { t, notify, data, reload, fail } = useSettingsDocument<PrivacyView>(
    'privacy-settings',
    '/api/privacy/settings',
  );
  const { canAccess: mayWrite } = useCanAccess({ resource: 'privacy_settings', action: 'edit' });
  const [s, setS] = useState<PrivacySettings | null>(null);
  useEffect(() => {
    if (data && !s) setS(data.settings);
  }, [data, s]);
  if (!s) return null;
  const num = (v: string) => (v.trim() === '' ? null : Number(v));
  const set = <K extends keyof PrivacySettings>(k: K, v: PrivacySettings[K]) => setS({ ...s, [k]: v });
  const save = async () => {
    try {
      await httpClient('/api/privacy/settings', { method: 'PUT', body: JSON.stringify(s) });
      notify('privacy.saved', { type: 'success' });
      await reload();
    } catch (e) {
      fail(e, (f) => t(`privacy_settings.fields.${f}`, { _: f }));
    }
  };
  return (
    <SettingsShell testId="privacy-settings" contentStyle={{ display: 'grid', gap: 16, maxWidth: 720 }}>
      <Typography variant="h6">{t('privacy_settings.title')}</Typography>
      <Typography variant="body2" color="text.secondary">
        {t('privacy_settings.help')}
      </Typography>
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
        {dayFields.map(([key, cls]) => (
          <TextField
            key={key}
            size="small"
            type="number"
            label={t(`privacy_settings.fields.${key}`)}
            helperText={t('privacy_settings.in_force', { days: data?.effective?.[cls] ?? '—' })}
            value={s[key] ?? ''}
            onChange={(e) => set(key, num(e.target.value))}
            disabled={!mayWrite}
            slotProps={{ htmlInput: { min: 1, max: 3650 } }}
          />
        ))}
      </div>
      <div style={{ display: 'flex', gap: 12, alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2">{t('privacy_settings.fields.locationDecimals')}</Typography>
        <Select
          size="small"
          value={s.locationDecimals === null ? 'exact' : String(s.locationDecimals)}
          onChange={(e) =>
            set('locationDecimals', e.target.value === 'exact' ? null : Number(e.target.value))
          }
          disabled={!mayWrite}
        >
          <MenuItem value="exact">{t('privacy_settings.precision.exact')}</MenuItem>
          {[4, 3, 2, 1].map((d) => (
            <MenuItem key={d} value={String(d)}>
              {t(`privacy_settings.precision.d${d}`)}
            </MenuItem>
          ))}
        </Select>
        <TextField
          size="small"
          type="number"
          label={t('privacy_settings.fields.departedGraceDays')}
          helperText={t('privacy_settings.in_force', { days: data?.effective?.departedGraceDays ?? '—' })}
          value={s.departedGraceDays ?? ''}
          onChange={(e) => set('departedGraceDays', num(e.target.value))}
          disabled={!mayWrite}
          slotProps={{ htmlInput: { min: 0, max: 3650 } }}
        />
      </div>
      {mayWrite ? (
        <div>
          <Button variant="outlined" onClick={() => void save()}>
            {t('privacy_settings.update')}
          </Button>
        </div>
      ) : null}
    </SettingsShell>
  );
};
