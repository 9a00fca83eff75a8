// A form definition rendered as inputs: presentational (values in, values out), with the same
// visibility rules as the shared validator. The check-in page fills it; the form builder previews it.
import { useId, type ReactNode } from 'react';
import type { FieldDefinition, FormDefinition } from '../../../domain/forms/form-definition.ts';
import { isVisible } from '../../../domain/forms/validate-answers.ts';
import { appEn } from '../i18n/en.ts';
import { appZh } from '../i18n/zh.ts';
import { withoutHiddenFields } from './visible-values.ts';
import './form-renderer.css';

export type Lang = 'zh' | 'en';

/** A slot for a field type that needs the device (camera, position): gets the value and a setter. */
export type FieldSlot = (props: {
  field: FieldDefinition;
  value: unknown;
  set: (value: unknown) => void;
  disabled: boolean;
  lang: Lang;
  inputId: string;
}) => ReactNode;

export interface FormRendererProps {
  form: FormDefinition;
  values: Record<string, unknown>;
  onChange(values: Record<string, unknown>): void;
  /** per-field messages, keyed by field key */
  errors?: Record<string, string>;
  lang: Lang;
  /** keys whose value came from the employee's last record (shown as such) */
  prefilled?: ReadonlySet<string>;
  disabled?: boolean;
  renderPhoto?: FieldSlot;
  renderLocation?: FieldSlot;
}

const texts = (lang: Lang) => (lang === 'en' ? appEn : appZh).form_renderer;

export function FormRenderer(props: FormRendererProps) {
  const { form, values, lang } = props;
  const base = useId();
  const set = (key: string, value: unknown) => {
    const next = { ...values };
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete next[key];
    else next[key] = value;
    props.onChange(withoutHiddenFields(form, next));
  };
  return (
    <div className="fr-form">
      {form.fields
        .filter((f) => isVisible(f, values))
        .map((f) => (
          <Field
            key={f.key}
            field={f}
            inputId={`${base}-${f.key}`}
            value={values[f.key]}
            set={(v) => set(f.key, v)}
            error={props.errors?.[f.key]}
            prefilled={props.prefilled?.has(f.key) ?? false}
            disabled={props.disabled ?? false}
            lang={lang}
            slots={props}
          />
        ))}
    </div>
  );
}

interface FieldProps {
  field: FieldDefinition;
  inputId: string;
  value: unknown;
  set: (v: unknown) => void;
  error: string | undefined;
  prefilled: boolean;
  disabled: boolean;
  lang: Lang;
  slots: Pick<FormRendererProps, 'renderPhoto' | 'renderLocation'>;
}

function Field({ field: f, inputId, value, set, error, prefilled, disabled, lang, slots }: FieldProps) {
  const t = texts(lang);
  const errorId = `${inputId}-error`;
  // Choice lists are fieldsets named by a legend; single inputs are named by a label.
  const grouped = f.type === 'select' || f.type === 'multiselect' || f.type === 'boolean';
  const caption = (
    <>
      {f.label[lang]}
      {f.unit ? ` (${f.unit})` : ''}
      {f.required && (
        <span className="fr-required" aria-hidden="true">
          *
        </span>
      )}
      {prefilled && <span className="fr-badge">{t.prefilled}</span>}
    </>
  );
  const control = renderControl();
  return (
    <div className="fr-field" data-field={f.key} data-invalid={error ? 'true' : undefined}>
      {grouped ? (
        <fieldset className="fr-choices" aria-describedby={error ? errorId : undefined} disabled={disabled}>
          <legend className="fr-label">{caption}</legend>
          {f.help && <div className="fr-help">{f.help[lang]}</div>}
          {control}
        </fieldset>
      ) : (
        <>
          <label className="fr-label" htmlFor={inputId}>
            {caption}
          </label>
          {f.help && <div className="fr-help">{f.help[lang]}</div>}
          {control}
        </>
      )}
      {error && (
        <div className="fr-error" id={errorId} role="alert" data-error-for={f.key}>
          {error}
        </div>
      )}
    </div>
  );

  function renderControl(): ReactNode {
    const common = {
      id: inputId,
      disabled,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': error ? errorId : undefined,
    };
    switch (f.type) {
      case 'number':
        return (
          <input
            {...common}
            className="fr-input"
            type="number"
            inputMode="decimal"
            min={f.min}
            max={f.max}
            step={f.step ?? 'any'}
            value={typeof value === 'number' || typeof value === 'string' ? value : ''}
            onChange={(e) => {
              const raw = e.target.value;
              // Kept as typed when it is not a number yet, so the validator can say so.
              set(raw === '' ? undefined : Number.isFinite(Number(raw)) ? Number(raw) : raw);
            }}
          />
        );
      case 'text':
        return (f.maxLength ?? 500) > 100 ? (
          <textarea
            {...common}
            className="fr-input"
            rows={3}
            maxLength={f.maxLength ?? 500}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => set(e.target.value)}
          />
        ) : (
          <input
            {...common}
            className="fr-input"
            type="text"
            maxLength={f.maxLength}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => set(e.target.value)}
          />
        );
      case 'date':
        return (
          <input
            {...common}
            className="fr-input"
            type="date"
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => set(e.target.value)}
          />
        );
      case 'select':
        return (f.options ?? []).map((o) => (
          <label key={o.value} className="fr-choice">
            <input
              type="radio"
              name={inputId}
              value={o.value}
              checked={value === o.value}
              onChange={() => set(o.value)}
            />
            {o.label[lang]}
          </label>
        ));
      case 'multiselect': {
        const chosen = Array.isArray(value) ? (value as unknown[]) : [];
        return (f.options ?? []).map((o) => (
          <label key={o.value} className="fr-choice">
            <input
              type="checkbox"
              value={o.value}
              checked={chosen.includes(o.value)}
              onChange={(e) =>
                set(e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))
              }
            />
            {o.label[lang]}
          </label>
        ));
      }
      case 'boolean':
        return (
          <>
            {[true, false].map((b) => (
              <label key={String(b)} className="fr-choice">
                <input type="radio" name={inputId} checked={value === b} onChange={() => set(b)} />
                {b ? t.yes : t.no}
              </label>
            ))}
          </>
        );
      case 'location':
        return slots.renderLocation ? (
          slots.renderLocation({ field: f, value, set, disabled, lang, inputId })
        ) : (
          <output id={inputId} className="fr-value">
            {describeLocation(value, lang)}
          </output>
        );
      case 'photo':
        return slots.renderPhoto ? (
          slots.renderPhoto({ field: f, value, set, disabled, lang, inputId })
        ) : (
          <output id={inputId} className="fr-value">
            {value ? t.photo_attached : t.photo_none}
          </output>
        );
    }
  }
}

/** "31.23, 121.47 (±20 m)", "not provided", or "not located yet". */
export function describeLocation(value: unknown, lang: Lang): string {
  const t = texts(lang);
  const v = value as { lat?: number; lng?: number; accuracy?: number; status?: string } | undefined;
  if (!v) return t.location_none;
  if (v.status === 'not_provided') return t.location_not_provided;
  const acc = v.accuracy !== undefined ? ` (±${Math.round(v.accuracy)} m)` : '';
  return `${v.lat?.toFixed(5)}, ${v.lng?.toFixed(5)}${acc}`;
}
