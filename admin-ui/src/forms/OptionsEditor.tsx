// The choices of a single- or multiple-choice field: a stored value and a label in both languages.
import DeleteIcon from '@mui/icons-material/Delete';
import { IconButton, TextField } from '@mui/material';
import { useTranslate } from 'react-admin';
import type { FieldDefinition } from '../../../domain/forms/form-definition.ts';
import { errorsUnder, type PathErrors } from './api.ts';
import { AddButton, Section } from './Section.tsx';
import { LocalizedInputs } from './LocalizedInputs.tsx';

type Option = NonNullable<FieldDefinition['options']>[number];

export function OptionsEditor(props: {
  options: Option[];
  /** the field's errors ("options.1.value", …) */
  errors: PathErrors;
  onChange: (options: Option[]) => void;
}) {
  const t = useTranslate();
  const { options, errors } = props;
  const setAt = (i: number, o: Option) => props.onChange(options.map((x, j) => (j === i ? o : x)));
  return (
    <Section title={t('forms.options')}>
      {options.map((o, i) => (
        <div className="fb-row" key={i} data-testid="option">
          <TextField
            size="small"
            label={t('forms.option_value')}
            value={o.value}
            style={{ width: 130 }}
            error={!!errors[`options.${i}.value`]}
            helperText={errors[`options.${i}.value`]}
            onChange={(e) => setAt(i, { ...o, value: e.target.value })}
          />
          <LocalizedInputs
            label={t('forms.option_label')}
            value={o.label}
            onChange={(label) => setAt(i, { ...o, label: label ?? { zh: '', en: '' } })}
            errors={errorsUnder(errors, `options.${i}`)}
            prefix="label"
          />
          <IconButton
            size="small"
            aria-label={t('forms.remove')}
            onClick={() => props.onChange(options.filter((_, j) => j !== i))}
          >
            <DeleteIcon fontSize="small" />
          </IconButton>
        </div>
      ))}
      <AddButton
        label={t('forms.add_option')}
        onClick={() =>
          props.onChange([...options, { value: `o${options.length + 1}`, label: { zh: '', en: '' } }])
        }
      />
    </Section>
  );
}
