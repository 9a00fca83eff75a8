// One field of the form in the builder: key, type, labels, required, the type's own settings
// (unit/min/max/step, length, options), visibility conditions and anomaly rules; move (drag by the
// handle, or the arrows from the keyboard) or remove it.
import { useState } from 'react';
import DragIndicatorIcon from '@mui/icons-material/DragIndicator';
import ArrowDownwardIcon from '@mui/icons-material/ArrowDownward';
import ArrowUpwardIcon from '@mui/icons-material/ArrowUpward';
import DeleteIcon from '@mui/icons-material/Delete';
import {
  Card,
  CardContent,
  Checkbox,
  FormControlLabel,
  IconButton,
  MenuItem,
  TextField,
  Typography,
} from '@mui/material';
import { useTranslate } from 'react-admin';
import {
  fieldTypes,
  prefillable,
  type FieldDefinition,
  type FieldType,
} from '../../../domain/forms/form-definition.ts';
import { errorsUnder, type PathErrors } from './api.ts';
import { ConditionRow, RuleRow } from './ConditionRow.tsx';
import { NumberInput } from './inputs.tsx';
import { OptionsEditor } from './OptionsEditor.tsx';
import { AddButton, Section } from './Section.tsx';
import { LocalizedInputs } from './LocalizedInputs.tsx';

/** what a dragged field carries: this page's token and its index (a private type, so other drops are ignored) */
const DRAG_TYPE = 'application/x-health-checkin-field';
/** a field dragged in from another tab (another form version) carries another token and is refused */
const PAGE_TOKEN = Math.random().toString(36).slice(2);

const hasOptions = (t: FieldType) => t === 'select' || t === 'multiselect';

/** A field changed to another type keeps only what that type can use. */
export function withType(f: FieldDefinition, type: FieldType): FieldDefinition {
  const next: FieldDefinition = { ...f, type };
  if (type !== 'number') {
    delete next.unit;
    delete next.min;
    delete next.max;
    delete next.step;
  }
  if (type !== 'text') delete next.maxLength;
  if (!hasOptions(type)) delete next.options;
  else if (!next.options?.length) next.options = [{ value: 'a', label: { zh: '选项一', en: 'Option 1' } }];
  if (next.prefill && !prefillable(next)) delete next.prefill;
  return next;
}

/** Sets a property, leaving it out entirely when undefined (the API refuses explicit nulls). */
function withProp<K extends keyof FieldDefinition>(f: FieldDefinition, k: K, v: FieldDefinition[K]) {
  const next = { ...f };
  if (v === undefined || (Array.isArray(v) && v.length === 0)) delete next[k];
  else next[k] = v;
  return next;
}

export function FieldEditor(props: {
  index: number;
  field: FieldDefinition;
  /** every field of the form (conditions refer to the others) */
  fields: FieldDefinition[];
  errors: PathErrors;
  readOnly: boolean;
  onChange: (f: FieldDefinition) => void;
  onMove: (delta: -1 | 1) => void;
  /** another field (by its index) was dropped on this one: it takes this one's place */
  onDropField: (from: number) => void;
  onRemove: () => void;
}) {
  const t = useTranslate();
  const [dropTarget, setDropTarget] = useState(false);
  const { field: f, errors, index } = props;
  const set = <K extends keyof FieldDefinition>(k: K, v: FieldDefinition[K]) =>
    props.onChange(withProp(f, k, v));
  const others = props.fields.filter((x) => x.key !== f.key);
  const unplaced = Object.entries(errors)
    .filter(([k]) => ['', 'visibleWhen', 'prefill', 'options'].includes(k))
    .map(([, v]) => v);

  return (
    <Card
      variant="outlined"
      data-testid={`field-${index}`}
      data-key={f.key}
      sx={dropTarget ? { outline: '2px dashed', outlineColor: 'primary.main' } : undefined}
      onDragOver={(e) => {
        if (props.readOnly || !e.dataTransfer.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setDropTarget(true);
      }}
      onDragLeave={() => setDropTarget(false)}
      onDrop={(e) => {
        setDropTarget(false);
        const [token, at] = e.dataTransfer.getData(DRAG_TYPE).split(':');
        const from = Number(at);
        if (props.readOnly || token !== PAGE_TOKEN || !Number.isInteger(from) || from === index) return;
        e.preventDefault();
        props.onDropField(from);
      }}
    >
      <fieldset disabled={props.readOnly} style={{ border: 0, margin: 0, padding: 0, minWidth: 0 }}>
        <CardContent style={{ display: 'grid', gap: 12 }}>
          <div className="fb-row">
            {!props.readOnly && (
              <span
                className="fb-handle"
                draggable
                role="img"
                aria-label={t('forms.drag')}
                title={t('forms.drag')}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, `${PAGE_TOKEN}:${index}`);
                  e.dataTransfer.effectAllowed = 'move';
                  const card = e.currentTarget.closest('[data-key]');
                  if (card) e.dataTransfer.setDragImage(card, 16, 16);
                }}
              >
                <DragIndicatorIcon fontSize="small" />
              </span>
            )}
            <Typography variant="subtitle2" style={{ minWidth: 28 }}>
              {index + 1}.
            </Typography>
            <TextField
              size="small"
              label={t('forms.key')}
              value={f.key}
              error={!!errors.key}
              helperText={errors.key}
              style={{ width: 170 }}
              onChange={(e) => set('key', e.target.value)}
            />
            <TextField
              select
              size="small"
              label={t('forms.type')}
              value={f.type}
              style={{ width: 130 }}
              onChange={(e) => props.onChange(withType(f, e.target.value as FieldType))}
            >
              {fieldTypes.map((type) => (
                <MenuItem key={type} value={type}>
                  {t(`forms.types.${type}`)}
                </MenuItem>
              ))}
            </TextField>
            <FormControlLabel
              control={<Checkbox checked={f.required} onChange={(e) => set('required', e.target.checked)} />}
              label={t('forms.required')}
            />
            {prefillable(f) && (
              <FormControlLabel
                control={
                  <Checkbox
                    checked={f.prefill ?? false}
                    onChange={(e) => set('prefill', e.target.checked || undefined)}
                  />
                }
                label={t('forms.prefill')}
              />
            )}
            <FormControlLabel
              control={
                <Checkbox
                  checked={f.requiresConsent ?? false}
                  onChange={(e) => set('requiresConsent', e.target.checked || undefined)}
                />
              }
              label={t('forms.requires_consent')}
            />
            <span style={{ flex: 1 }} />
            <IconButton
              size="small"
              aria-label={t('forms.move_up')}
              disabled={index === 0}
              onClick={() => props.onMove(-1)}
            >
              <ArrowUpwardIcon fontSize="small" />
            </IconButton>
            <IconButton
              size="small"
              aria-label={t('forms.move_down')}
              disabled={index === props.fields.length - 1}
              onClick={() => props.onMove(1)}
            >
              <ArrowDownwardIcon fontSize="small" />
            </IconButton>
            <IconButton size="small" aria-label={t('forms.remove')} onClick={props.onRemove}>
              <DeleteIcon fontSize="small" />
            </IconButton>
          </div>

          <div className="fb-row">
            <LocalizedInputs
              label={t('forms.label')}
              value={f.label}
              onChange={(label) => props.onChange({ ...f, label: label ?? { zh: '', en: '' } })}
              errors={errors}
              prefix="label"
            />
          </div>
          <div className="fb-row">
            <LocalizedInputs
              label={t('forms.help')}
              value={f.help}
              optional
              onChange={(help) => set('help', help)}
              errors={errors}
              prefix="help"
            />
          </div>
          {(f.type === 'location' || f.type === 'photo') && (
            <div className="fb-row">
              <LocalizedInputs
                label={t('forms.why')}
                value={f.why}
                optional
                onChange={(why) => set('why', why)}
                errors={errors}
                prefix="why"
              />
            </div>
          )}

          {f.type === 'number' && (
            <div className="fb-row">
              <TextField
                size="small"
                label={t('forms.unit')}
                value={f.unit ?? ''}
                style={{ width: 90 }}
                error={!!errors.unit}
                helperText={errors.unit}
                onChange={(e) => set('unit', e.target.value || undefined)}
              />
              <NumberInput
                label={t('forms.min')}
                value={f.min}
                onChange={(v) => set('min', v)}
                error={errors.min}
              />
              <NumberInput
                label={t('forms.max')}
                value={f.max}
                onChange={(v) => set('max', v)}
                error={errors.max}
              />
              <NumberInput
                label={t('forms.step')}
                value={f.step}
                onChange={(v) => set('step', v)}
                error={errors.step}
              />
            </div>
          )}
          {f.type === 'text' && (
            <div className="fb-row">
              <NumberInput
                label={t('forms.max_length')}
                value={f.maxLength}
                onChange={(v) => set('maxLength', v)}
                error={errors.maxLength}
                width={140}
              />
            </div>
          )}

          {hasOptions(f.type) && (
            <OptionsEditor
              options={f.options ?? []}
              errors={errors}
              onChange={(options) => set('options', options)}
            />
          )}

          <Section title={t('forms.visible_when')}>
            {(f.visibleWhen ?? []).map((c, i) => (
              <ConditionRow
                key={i}
                condition={c}
                fields={others}
                onChange={(next) =>
                  set(
                    'visibleWhen',
                    (f.visibleWhen ?? []).map((x, j) => (j === i ? next : x)),
                  )
                }
                onRemove={() =>
                  set(
                    'visibleWhen',
                    (f.visibleWhen ?? []).filter((_, j) => j !== i),
                  )
                }
              />
            ))}
            <AddButton
              label={t('forms.add_condition')}
              disabled={others.length === 0}
              onClick={() =>
                set('visibleWhen', [...(f.visibleWhen ?? []), { field: others[0]?.key ?? '', op: 'present' }])
              }
            />
          </Section>

          <Section title={t('forms.rules')}>
            {(f.rules ?? []).map((r, i) => (
              <RuleRow
                key={i}
                rule={r}
                field={f}
                errors={errorsUnder(errors, `rules.${i}`)}
                onChange={(next) =>
                  set(
                    'rules',
                    (f.rules ?? []).map((x, j) => (j === i ? next : x)),
                  )
                }
                onRemove={() =>
                  set(
                    'rules',
                    (f.rules ?? []).filter((_, j) => j !== i),
                  )
                }
              />
            ))}
            <AddButton
              label={t('forms.add_rule')}
              onClick={() => set('rules', [...(f.rules ?? []), { op: 'present', severity: 'warning' }])}
            />
          </Section>

          {unplaced.map((m) => (
            <Typography key={m} color="error" variant="body2" data-testid="field-error">
              {m}
            </Typography>
          ))}
        </CardContent>
      </fieldset>
    </Card>
  );
}
