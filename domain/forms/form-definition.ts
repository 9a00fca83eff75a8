// The shape of a company's check-in form: versioned data, in the spirit of DingTalk's field config.
import { z } from 'zod';
import { issue } from '../issue-codes.ts';

export const severities = ['normal', 'warning', 'red'] as const;
export type Severity = (typeof severities)[number];
export const severityRank: Record<Severity, number> = { normal: 0, warning: 1, red: 2 };
export const maxSeverity = (a: Severity, b: Severity): Severity =>
  severityRank[a] >= severityRank[b] ? a : b;

const text = z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) });
export type LocalizedText = z.infer<typeof text>;

export const fieldTypes = [
  'number',
  'select',
  'multiselect',
  'text',
  'date',
  'boolean',
  'location',
  'photo',
] as const;
export type FieldType = (typeof fieldTypes)[number];

export const operators = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'present'] as const;
export type Operator = (typeof operators)[number];

const scalar = z.union([z.number(), z.string(), z.boolean()]);
export const conditionSchema = z.object({
  field: z.string(),
  op: z.enum(operators),
  value: z.union([scalar, z.array(scalar)]).optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

export const fieldRuleSchema = z.object({
  op: z.enum(operators),
  value: z.union([scalar, z.array(scalar)]).optional(),
  severity: z.enum(['warning', 'red']),
  /** shown to reviewers; defaults to a generated description */
  reason: text.optional(),
});
export type FieldRule = z.infer<typeof fieldRuleSchema>;

export const fieldSchema = z.object({
  key: z
    .string()
    .refine(
      (k) => /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/.test(k),
      issue('field_key_format', 'keys are letters, digits and _, starting with a letter'),
    ),
  type: z.enum(fieldTypes),
  label: text,
  help: text.optional(),
  required: z.boolean().default(false),
  unit: z.string().max(10).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().positive().optional(),
  maxLength: z.number().int().positive().max(2000).optional(),
  options: z.array(z.object({ value: z.string().min(1).max(50), label: text })).optional(),
  /** shown (and required, when required) only while ANY of these conditions holds */
  visibleWhen: z.array(conditionSchema).optional(),
  rules: z.array(fieldRuleSchema).optional(),
  /** the page fills it in from the employee's last record (answers that rarely change) */
  prefill: z.boolean().optional(),
  /** asked only of people who consented to the current privacy notice (not an acknowledgement) */
  requiresConsent: z.boolean().optional(),
  /** why the company asks (shown under location and photo fields on the check-in page) */
  why: text.optional(),
});
export type FieldDefinition = z.infer<typeof fieldSchema>;

/**
 * Whether yesterday's answer may stand in for today's: not for anything measured or evidenced today
 * (a number with a unit, any field whose value drives an anomaly rule, the position, a photo).
 */
export const prefillable = (f: FieldDefinition): boolean =>
  !f.rules?.length && f.type !== 'location' && f.type !== 'photo' && !(f.type === 'number' && f.unit);

/** Rules over the employee's recent days rather than one record. */
export const historyRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('consecutive'),
    /** this many days in a row at `atLeast` or worse (today included) … */
    days: z.number().int().min(2).max(14),
    atLeast: z.enum(['warning', 'red']),
    /** … raise today to this severity */
    severity: z.enum(['warning', 'red']),
  }),
  z.object({
    kind: z.literal('within'),
    /** today matches `when` and one of the previous `windowDays` days matched `previously` */
    when: conditionSchema,
    previously: conditionSchema,
    windowDays: z.number().int().min(1).max(30),
    severity: z.enum(['warning', 'red']),
  }),
]);
export type HistoryRule = z.infer<typeof historyRuleSchema>;

export const formDefinitionSchema = z
  .object({
    fields: z.array(fieldSchema).min(1).max(60),
    historyRules: z.array(historyRuleSchema).max(20).default([]),
  })
  .superRefine((form, ctx) => {
    const keys = new Set<string>();
    form.fields.forEach((f, i) => {
      if (keys.has(f.key))
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'key'],
          ...issue('duplicate_key', `duplicate key "${f.key}"`, { key: f.key }),
        });
      keys.add(f.key);
      if ((f.type === 'select' || f.type === 'multiselect') && !f.options?.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'options'],
          ...issue('options_needed', 'select fields need options'),
        });
      }
      if (f.prefill && !prefillable(f)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'prefill'],
          ...issue(
            'not_prefillable',
            'measurements (numbers with a unit or anomaly rules), locations and photos are never prefilled',
          ),
        });
      }
      if (f.min !== undefined && f.max !== undefined && f.min > f.max) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'min'],
          ...issue('min_above_max', 'min is above max'),
        });
      }
    });
    form.fields.forEach((f, i) => {
      for (const c of f.visibleWhen ?? []) {
        if (!keys.has(c.field) || c.field === f.key) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields', i, 'visibleWhen'],
            ...issue('unknown_field_ref', `condition refers to unknown field "${c.field}"`, { key: c.field }),
          });
        }
      }
    });
    for (const [i, r] of form.historyRules.entries()) {
      if (r.kind === 'within') {
        for (const c of [r.when, r.previously]) {
          if (!keys.has(c.field))
            ctx.addIssue({
              code: 'custom',
              path: ['historyRules', i],
              ...issue('unknown_field_ref', `unknown field "${c.field}"`, { key: c.field }),
            });
        }
      }
    }
  });
export type FormDefinition = z.infer<typeof formDefinitionSchema>;
