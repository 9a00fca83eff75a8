// One condition (field, operator, value) — a visibility condition, or either side of a history rule;
// and one anomaly rule (operator, value, severity, reason) on a field.
import DeleteIcon from '@mui/icons-material/Delete';
import { IconButton, MenuItem, TextField } from '@mui/material';
import { useTranslate } from 'react-admin';
import {
  operators,
  type Condition,
  type FieldDefinition,
  type FieldRule,
  type Operator,
} from '../../../domain/forms/form-definition.ts';
import { ValueInput, type ConditionValue } from './inputs.tsx';
import { LocalizedInputs } from './LocalizedInputs.tsx';

const listOps: Operator[] = ['in', 'contains'];

export function OperatorSelect(props: { value: Operator; onChange: (op: Operator) => void }) {
  const t = useTranslate();
  return (
    <TextField
      select
      size="small"
      label={t('forms.op')}
      value={props.value}
      style={{ width: 130 }}
      onChange={(e) => props.onChange(e.target.value as Operator)}
    >
      {operators.map((op) => (
        <MenuItem key={op} value={op}>
          {t(`forms.ops.${op}`)}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * The value input for an operator: none for "is answered"; the field's own choices (or yes/no) for a
 * comparison with one of them; otherwise text parsed by the field's type.
 */
function OperandInput(props: {
  op: Operator;
  value: ConditionValue;
  field: FieldDefinition | undefined;
  onChange: (v: ConditionValue) => void;
  error?: string;
}) {
  const t = useTranslate();
  const { op, field } = props;
  if (op === 'present') return null;
  const single = op === 'eq' || op === 'neq' || op === 'contains';
  const choices: { value: string | boolean; label: string }[] | undefined =
    single && field?.options?.length
      ? field.options.map((o) => ({ value: o.value, label: `${o.label.zh} (${o.value})` }))
      : single && field?.type === 'boolean'
        ? [
            { value: true, label: t('form_renderer.yes') },
            { value: false, label: t('form_renderer.no') },
          ]
        : undefined;
  if (choices) {
    const current = choices.findIndex((c) => c.value === props.value);
    return (
      <TextField
        select
        size="small"
        label={t('forms.value')}
        value={current < 0 ? '' : String(current)}
        style={{ minWidth: 140 }}
        error={!!props.error}
        helperText={props.error}
        onChange={(e) => props.onChange(choices[Number(e.target.value)]?.value)}
      >
        {choices.map((c, i) => (
          <MenuItem key={String(c.value)} value={String(i)}>
            {c.label}
          </MenuItem>
        ))}
      </TextField>
    );
  }
  return (
    <ValueInput
      label={t('forms.value')}
      value={props.value}
      list={listOps.includes(op)}
      type={field?.type}
      onChange={props.onChange}
      error={props.error}
    />
  );
}

/** The operator and its operand, of a condition or a rule: choosing "is answered" drops the operand. */
function Comparison<T extends { op: Operator; value?: ConditionValue }>(props: {
  of: T;
  field: FieldDefinition | undefined;
  onChange: (changed: T) => void;
  error?: string;
}) {
  const c = props.of;
  return (
    <>
      <OperatorSelect
        value={c.op}
        onChange={(op) => props.onChange({ ...c, op, ...(op === 'present' ? { value: undefined } : {}) })}
      />
      <OperandInput
        op={c.op}
        value={c.value}
        field={props.field}
        onChange={(value) => props.onChange({ ...c, value })}
        error={props.error}
      />
    </>
  );
}

export function ConditionRow(props: {
  condition: Condition;
  /** the fields it may refer to */
  fields: FieldDefinition[];
  onChange: (c: Condition) => void;
  onRemove?: () => void;
  error?: string;
}) {
  const t = useTranslate();
  const { condition: c } = props;
  const target = props.fields.find((f) => f.key === c.field);
  return (
    <div className="fb-row" data-testid="condition">
      <TextField
        select
        size="small"
        label={t('forms.condition_field')}
        value={target ? c.field : ''}
        style={{ minWidth: 150 }}
        error={!!props.error}
        helperText={props.error}
        onChange={(e) => props.onChange({ ...c, field: e.target.value })}
      >
        {props.fields.map((f) => (
          <MenuItem key={f.key} value={f.key}>
            {f.label.zh || f.key} ({f.key})
          </MenuItem>
        ))}
      </TextField>
      <Comparison of={c} field={target} onChange={props.onChange} />
      {props.onRemove && (
        <IconButton size="small" aria-label={t('forms.remove')} onClick={props.onRemove}>
          <DeleteIcon fontSize="small" />
        </IconButton>
      )}
    </div>
  );
}

export function RuleRow(props: {
  rule: FieldRule;
  field: FieldDefinition;
  onChange: (r: FieldRule) => void;
  onRemove: () => void;
  errors: Record<string, string>;
}) {
  const t = useTranslate();
  const { rule: r } = props;
  return (
    <div className="fb-row" data-testid="rule">
      <Comparison of={r} field={props.field} onChange={props.onChange} error={props.errors.value} />
      <TextField
        select
        size="small"
        label={t('forms.severity')}
        value={r.severity}
        style={{ width: 110 }}
        onChange={(e) => props.onChange({ ...r, severity: e.target.value as FieldRule['severity'] })}
      >
        <MenuItem value="warning">{t('app.severity.warning')}</MenuItem>
        <MenuItem value="red">{t('app.severity.red')}</MenuItem>
      </TextField>
      <LocalizedInputs
        label={t('forms.reason')}
        value={r.reason}
        optional
        onChange={(reason) => props.onChange({ ...r, reason })}
        errors={props.errors}
        prefix="reason"
      />
      <IconButton size="small" aria-label={t('forms.remove')} onClick={props.onRemove}>
        <DeleteIcon fontSize="small" />
      </IconButton>
    </div>
  );
}
