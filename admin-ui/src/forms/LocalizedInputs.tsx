// A text in both languages (label, help, a rule's reason): 中文 and English side by side.
import { TextField } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { LocalizedText } from '../../../domain/forms/form-definition.ts';

export function LocalizedInputs(props: {
  label: string;
  value: LocalizedText | undefined;
  onChange: (v: LocalizedText | undefined) => void;
  /** both empty means "none" */
  optional?: boolean;
  /** errors of the enclosing object, and the key of this text in it */
  errors: Record<string, string>;
  prefix: string;
}) {
  const t = useTranslate();
  const v = props.value ?? { zh: '', en: '' };
  const set = (lang: 'zh' | 'en', text: string) => {
    const next = { ...v, [lang]: text };
    props.onChange(props.optional && !next.zh && !next.en ? undefined : next);
  };
  return (
    <>
      {(['zh', 'en'] as const).map((lang) => {
        const error =
          props.errors[`${props.prefix}.${lang}`] ?? (lang === 'zh' ? props.errors[props.prefix] : undefined);
        return (
          <TextField
            key={lang}
            size="small"
            label={`${props.label} · ${t(`forms.lang_${lang}`)}`}
            value={v[lang]}
            error={!!error}
            helperText={error}
            style={{ minWidth: 150, flex: 1 }}
            onChange={(e) => set(lang, e.target.value)}
          />
        );
      })}
    </>
  );
}
