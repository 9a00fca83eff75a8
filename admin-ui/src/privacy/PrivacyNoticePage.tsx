// The company's privacy notice (PIPL): versions with their legal basis; an admin edits a draft in
// Chinese and English and publishes it, which makes every employee be asked again. The form's fields
// and the retention periods are added to the notice automatically (shown in the preview).
import {
  Button,
  Checkbox,
  FormControlLabel,
  MenuItem,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { httpClient } from '../dataProvider.ts';
import { SettingsShell, useSettingsDocument } from '../layout/SettingsShell.tsx';

const KEYS = ['purpose', 'audience', 'processors', 'rights', 'contact'] as const;
type Key = (typeof KEYS)[number];
type NoticeText = Record<Key, string>;

interface Notice {
  version: number;
  status: 'draft' | 'published' | 'retired';
  legal_basis: 'consent' | 'hr_management';
  content: { zh: NoticeText; en: NoticeText };
  show_reader_names: boolean;
  published_at: string | null;
  created_at: string;
  /** active employees whose current answer is to this version */
  answers: { acknowledged: number; consented: number; withdrawn: number };
}

interface Draft {
  version: number | null;
  legalBasis: Notice['legal_basis'];
  content: { zh: NoticeText; en: NoticeText };
  showReaderNames: boolean;
}

const blank = (): NoticeText => ({ purpose: '', audience: '', processors: '', rights: '', contact: '' });

export const PrivacyNoticePage = () => {
  const { t, notify, data, reload, fail } = useSettingsDocument<Notice[]>(
    'privacy-notices',
    '/api/privacy/notices',
  );
  const [draft, setDraft] = useState<Draft | null>(null);

  const edit = (n: Notice | undefined) =>
    setDraft(
      n
        ? {
            version: n.status === 'draft' ? n.version : null,
            legalBasis: n.legal_basis,
            content: n.content,
            showReaderNames: n.show_reader_names,
          }
        : {
            version: null,
            legalBasis: 'consent',
            content: { zh: blank(), en: blank() },
            showReaderNames: false,
          },
    );

  const save = async (publish: boolean) => {
    if (!draft) return;
    try {
      const body = JSON.stringify({
        legalBasis: draft.legalBasis,
        content: draft.content,
        showReaderNames: draft.showReaderNames,
      });
      const res = draft.version
        ? await httpClient(`/api/privacy/notices/${draft.version}`, { method: 'PUT', body })
        : await httpClient('/api/privacy/notices', { method: 'POST', body });
      const saved = res.json as { version: number };
      if (publish)
        await httpClient(`/api/privacy/notices/${saved.version}/publish`, { method: 'POST', body: '{}' });
      notify(publish ? 'privacy.published' : 'privacy.saved', { type: 'success' });
      setDraft(publish ? null : { ...draft, version: saved.version });
      await reload();
    } catch (e) {
      fail(e);
    }
  };

  const setText = (l: 'zh' | 'en', k: Key, v: string) =>
    draft && setDraft({ ...draft, content: { ...draft.content, [l]: { ...draft.content[l], [k]: v } } });

  return (
    <SettingsShell title={t('privacy.title')}>
      <Typography variant="body2" color="text.secondary" gutterBottom>
        {t('privacy.intro')}
      </Typography>
      <Table size="small" data-testid="notice-versions">
        <TableHead>
          <TableRow>
            <TableCell>{t('privacy.version')}</TableCell>
            <TableCell>{t('privacy.status_label')}</TableCell>
            <TableCell>{t('privacy.basis_label')}</TableCell>
            <TableCell>{t('privacy.published_at')}</TableCell>
            <TableCell>{t('privacy.answers_label')}</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {data?.map((n) => (
            <TableRow key={n.version} data-testid={`notice-row-${n.version}`}>
              <TableCell>{n.version}</TableCell>
              <TableCell>{t(`privacy.status.${n.status}`)}</TableCell>
              <TableCell>{t(`privacy.basis.${n.legal_basis}`)}</TableCell>
              <TableCell>{n.published_at ? new Date(n.published_at).toLocaleString() : '—'}</TableCell>
              <TableCell data-testid={`notice-answers-${n.version}`}>
                {t('privacy.answers', {
                  consented: n.answers.consented,
                  acknowledged: n.answers.acknowledged,
                  withdrawn: n.answers.withdrawn,
                })}
              </TableCell>
              <TableCell>
                <Button size="small" onClick={() => edit(n)}>
                  {n.status === 'draft' ? t('privacy.edit') : t('privacy.new_from')}
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {!draft && (
        <Button
          variant="contained"
          style={{ marginTop: 16 }}
          data-testid="notice-new"
          onClick={() => edit(data?.[0])}
        >
          {t('privacy.new')}
        </Button>
      )}
      {draft && (
        <div style={{ marginTop: 24, display: 'grid', gap: 12 }} data-testid="notice-editor">
          <div style={{ display: 'flex', gap: 16, alignItems: 'center' }}>
            <Typography>{t('privacy.basis_label')}</Typography>
            <Select
              size="small"
              value={draft.legalBasis}
              data-testid="notice-basis"
              onChange={(e) => setDraft({ ...draft, legalBasis: e.target.value })}
            >
              <MenuItem value="consent">{t('privacy.basis.consent')}</MenuItem>
              <MenuItem value="hr_management">{t('privacy.basis.hr_management')}</MenuItem>
            </Select>
            <FormControlLabel
              control={
                <Checkbox
                  checked={draft.showReaderNames}
                  onChange={(e) => setDraft({ ...draft, showReaderNames: e.target.checked })}
                />
              }
              label={t('privacy.show_reader_names')}
            />
          </div>
          {KEYS.map((k) => (
            <div key={k} style={{ display: 'flex', gap: 12 }}>
              {(['zh', 'en'] as const).map((l) => (
                <TextField
                  key={l}
                  fullWidth
                  multiline
                  minRows={2}
                  label={`${t(`privacy.field.${k}`)} (${l === 'zh' ? '中文' : 'English'})`}
                  value={draft.content[l][k]}
                  slotProps={{ htmlInput: { 'data-testid': `notice-${l}-${k}`, maxLength: 4000 } }}
                  onChange={(e) => setText(l, k, e.target.value)}
                />
              ))}
            </div>
          ))}
          <Typography variant="body2" color="text.secondary">
            {t('privacy.automatic')}
          </Typography>
          <div style={{ display: 'flex', gap: 12 }}>
            <Button variant="outlined" data-testid="notice-save" onClick={() => void save(false)}>
              {t('privacy.save')}
            </Button>
            <Button variant="contained" data-testid="notice-publish" onClick={() => void save(true)}>
              {t('privacy.publish')}
            </Button>
            <Button onClick={() => setDraft(null)}>{t('ra.action.cancel')}</Button>
          </div>
        </div>
      )}
    </SettingsShell>
  );
};
