// Editing one form version: a draft's fields and history rules beside the live preview; save the
// draft (the API's validation errors land on the inputs they concern) and publish it after a
// confirmation. Published and retired versions open read-only, with "new draft from this".
import {
  Alert,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Title, useCanAccess, useLocaleState, useNotify, useTranslate } from 'react-admin';
import { useNavigate, useParams } from 'react-router-dom';
import type { FieldDefinition, FormDefinition } from '../../../domain/forms/form-definition.ts';
import {
  createDraft,
  errorsOf,
  errorsUnder,
  getVersion,
  publish,
  saveDraft,
  type PathErrors,
} from './api.ts';
import { FieldEditor } from './FieldEditor.tsx';
import { AddButton } from './Section.tsx';
import { FormPreview } from './FormPreview.tsx';
import { HistoryRulesEditor } from './HistoryRulesEditor.tsx';
import './form-builder.css';

/** A key not used yet: field1, field2, … */
const freshKey = (fields: FieldDefinition[]) => {
  for (let i = fields.length + 1; ; i++) if (!fields.some((f) => f.key === `field${i}`)) return `field${i}`;
};

let uidSeq = 0;

export const FormEditorPage = () => {
  const t = useTranslate();
  const [locale] = useLocaleState();
  const notify = useNotify();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const version = Number(useParams().version);
  const { canAccess: canWrite } = useCanAccess({ resource: 'forms', action: 'edit' });
  const { data: row } = useQuery({ queryKey: ['forms', version], queryFn: () => getVersion(version) });

  const [def, setDef] = useState<FormDefinition | null>(null);
  // Stable React keys for the fields while they move around.
  const [uids, setUids] = useState<number[]>([]);
  const [note, setNote] = useState('');
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<PathErrors>({});
  const [errorTitle, setErrorTitle] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  // Loaded once per version: a background refetch (window focus, after saving) must not wipe edits.
  const [loaded, setLoaded] = useState<number | null>(null);
  useEffect(() => {
    if (!row || loaded === row.version) return;
    setLoaded(row.version);
    setDef(structuredClone(row.definition));
    setUids(row.definition.fields.map(() => ++uidSeq));
    setNote(row.note ?? '');
    setDirty(false);
    setErrors({});
  }, [row, loaded]);
  if (!row || !def) return null;

  const readOnly = row.status !== 'draft' || !canWrite;
  const edit = (next: FormDefinition, nextUids = uids, keepErrors = true) => {
    setDef(next);
    setUids(nextUids);
    setDirty(true);
    // Indices shift when fields move: errors from the last save no longer point at the right field.
    if (!keepErrors) setErrors({});
  };
  const setField = (i: number, f: FieldDefinition) =>
    edit({ ...def, fields: def.fields.map((x, j) => (j === i ? f : x)) });
  /** The field at `from` goes to position `to`; the ones between shift by one. */
  const moveTo = (from: number, to: number) => {
    const n = def.fields.length;
    if (from === to || from < 0 || from >= n || to < 0 || to >= n) return;
    const fields = [...def.fields];
    const ids = [...uids];
    fields.splice(to, 0, ...fields.splice(from, 1));
    ids.splice(to, 0, ...ids.splice(from, 1));
    edit({ ...def, fields }, ids, false);
  };
  const remove = (i: number) =>
    edit(
      { ...def, fields: def.fields.filter((_, j) => j !== i) },
      uids.filter((_, j) => j !== i),
      false,
    );
  const add = () =>
    edit(
      {
        ...def,
        fields: [
          ...def.fields,
          {
            key: freshKey(def.fields),
            type: 'text',
            required: false,
            label: { zh: t('forms.new_field_zh'), en: 'New field' },
          },
        ],
      },
      [...uids, ++uidSeq],
    );

  const failed = (e: unknown) => {
    const { paths, title } = errorsOf(e, t, locale === 'en' ? 'en' : 'zh');
    setErrors(paths);
    setErrorTitle(title);
    notify('forms.save_failed', { type: 'error' });
  };
  const save = async (): Promise<boolean> => {
    setBusy(true);
    try {
      await saveDraft(version, def, note);
      setErrors({});
      setDirty(false);
      await queryClient.invalidateQueries({ queryKey: ['forms'] });
      notify('forms.saved', { type: 'success' });
      return true;
    } catch (e) {
      failed(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const doPublish = async () => {
    setConfirming(false);
    if (dirty && !(await save())) return;
    setBusy(true);
    try {
      await publish(version);
      await queryClient.invalidateQueries({ queryKey: ['forms'] });
      notify('forms.published', { type: 'success', messageArgs: { version } });
      navigate('/forms');
    } catch (e) {
      failed(e);
    } finally {
      setBusy(false);
    }
  };
  const copy = async () => {
    try {
      const draft = await createDraft(def, t('forms.copied_from', { version }));
      await queryClient.invalidateQueries({ queryKey: ['forms'] });
      navigate(`/forms/${draft.version}`);
    } catch (e) {
      failed(e);
    }
  };
  const general = Object.entries(errors).filter(
    ([k]) => !k.startsWith('fields.') && !k.startsWith('historyRules.'),
  );

  return (
    <div className="fb-layout">
      <Title title={t('forms.editor_title', { version })} />
      <div style={{ display: 'grid', gap: 12 }} data-testid="form-editor">
        <div className="fb-row" style={{ alignItems: 'center' }}>
          <Chip
            label={t(`forms.status.${row.status}`)}
            color={row.status === 'published' ? 'success' : 'default'}
          />
          <TextField
            size="small"
            label={t('forms.note')}
            value={note}
            disabled={readOnly}
            style={{ flex: 1, minWidth: 200 }}
            onChange={(e) => {
              setNote(e.target.value);
              setDirty(true);
            }}
          />
          {readOnly ? (
            canWrite && (
              <Button variant="outlined" onClick={() => void copy()}>
                {t('forms.new_draft')}
              </Button>
            )
          ) : (
            <>
              <Button variant="outlined" disabled={busy} onClick={() => void save()}>
                {t('forms.save')}
              </Button>
              <Button variant="contained" disabled={busy} onClick={() => setConfirming(true)}>
                {t('forms.publish')}
              </Button>
            </>
          )}
        </div>
        {readOnly && <Alert severity="info">{t('forms.read_only')}</Alert>}
        {dirty && !readOnly && <Alert severity="warning">{t('forms.unsaved')}</Alert>}
        {(general.length > 0 || (errorTitle && Object.keys(errors).length > 0)) && (
          <Alert severity="error" data-testid="form-errors">
            {errorTitle}
            {general.map(([k, v]) => (
              <div key={k}>
                {k}: {v}
              </div>
            ))}
          </Alert>
        )}
        {def.fields.map((f, i) => (
          <FieldEditor
            key={uids[i]}
            index={i}
            field={f}
            fields={def.fields}
            errors={errorsUnder(errors, `fields.${i}`)}
            readOnly={readOnly}
            onChange={(next) => setField(i, next)}
            onMove={(d) => moveTo(i, i + d)}
            onDropField={(from) => moveTo(from, i)}
            onRemove={() => remove(i)}
          />
        ))}
        {!readOnly && <AddButton label={t('forms.add_field')} onClick={add} />}
        <HistoryRulesEditor
          rules={def.historyRules}
          fields={def.fields}
          errors={errors}
          readOnly={readOnly}
          onChange={(historyRules) => edit({ ...def, historyRules })}
        />
      </div>
      <FormPreview form={def} />
      <Dialog open={confirming} onClose={() => setConfirming(false)}>
        <DialogTitle>{t('forms.publish_title', { version })}</DialogTitle>
        <DialogContent>
          <DialogContentText>{t('forms.publish_confirm')}</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)}>{t('ra.action.cancel')}</Button>
          <Button variant="contained" onClick={() => void doPublish()}>
            {t('forms.publish')}
          </Button>
        </DialogActions>
      </Dialog>
    </div>
  );
};
