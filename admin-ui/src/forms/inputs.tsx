// Small inputs of the form builder that keep what is being typed ("37.", "a,") while handing the
// parsed value up, so typing a decimal or a list never fights the state.
import { TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import type { FieldType } from '../../../domain/forms/form-definition.ts';

type Scalar = number | string | boolean;
export type ConditionValue = Scalar | Scalar[] | undefined;

const show = (v: ConditionValue) => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));

/** A typed value from text, by the type of the field it is compared with. */
export function parseScalar(text: string, type: FieldType | undefined): Scalar {
  const s = text.trim();
  if (type === 'number' && s !== '' && Number.isFinite(Number(s))) return Number(s);
  if (type === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
  return s;
}

export function parseValue(text: string, list: boolean, type: FieldType | undefined): ConditionValue {
  if (list)
    return text
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => parseScalar(x, type));
  return text.trim() === '' ? undefined : parseScalar(text, type);
}

/** Text kept locally; `value` from outside replaces it only when it means something else. */
function useEditedText<T>(value: T, format: (v: T) => string, parse: (s: string) => T) {
  const [text, setText] = useState(format(value));
  useEffect(() => {
    // Only a change from outside (not this input's own) resets the text.
    if (format(parse(text)) !== format(value)) setText(format(value));
  }, [value]);
  return [text, setText] as const;
}

export function NumberInput(props: {
  label: string;
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  error?: string;
  width?: number;
}) {
  const parse = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Number(s));
  const [text, setText] = useEditedText(props.value, (v) => (v === undefined ? '' : String(v)), parse);
  return (
    <TextField
      size="small"
      label={props.label}
      value={text}
      style={{ width: props.width ?? 110 }}
      error={!!props.error || (text.trim() !== '' && parse(text) === undefined)}
      helperText={props.error}
      slotProps={{ htmlInput: { inputMode: 'decimal' } }}
      onChange={(e) => {
        setText(e.target.value);
        props.onChange(parse(e.target.value));
      }}
    />
  );
}

export function ValueInput(props: {
  label: string;
  value: ConditionValue;
  list: boolean;
  type: FieldType | undefined;
  onChange: (v: ConditionValue) => void;
  error?: string;
}) {
  const parse = (s: string) => parseValue(s, props.list, props.type);
  const [text, setText] = useEditedText(props.value, show, parse);
  return (
    <TextField
      size="small"
      label={props.label}
      value={text}
      style={{ width: 160 }}
      error={!!props.error}
      helperText={props.error}
      onChange={(e) => {
        setText(e.target.value);
        props.onChange(parse(e.target.value));
      }}
    />
  );
}
