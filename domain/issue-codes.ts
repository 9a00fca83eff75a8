// Stable codes for what is wrong with one field of a refused request. The UIs say each in the
// person's language from the i18n packs (key `issue.<code>`, params filled in); the English
// `message` beside it stays for API clients and logs.
export type IssueCode =
  | 'invalid'
  | 'required'
  | 'invalid_type'
  | 'too_small'
  | 'too_big'
  | 'too_short'
  | 'too_long'
  | 'too_few'
  | 'too_many'
  | 'not_integer'
  | 'invalid_format'
  | 'invalid_value'
  | 'unknown_fields'
  | 'control_characters'
  | 'nested_too_deep'
  | 'date_format'
  | 'time_hhmm'
  | 'time_zone_unknown'
  | 'levels_repeat'
  | 'level3_needs_level2'
  | 'reminder_order'
  | 'effective_from_too_early'
  | 'date_range_order'
  | 'date_range_too_long'
  | 'nothing_to_change'
  | 'department_cycle'
  | 'unknown_department'
  | 'no_such_record'
  | 'not_an_image'
  | 'content_type_csv'
  | 'remind_target'
  | 'field_key_format'
  | 'duplicate_key'
  | 'options_needed'
  | 'not_prefillable'
  | 'min_above_max'
  | 'unknown_field_ref'
  | 'consent_required'
  | 'consent_withdrawn'
  | 'notice_not_draft'
  | 'purpose_required'
  | 'corrections_only_on_approve'
  | 'not_a_correction'
  | 'correction_needs_record';

export type IssueParams = Record<string, string | number>;

/** A zod refinement's options carrying the code: `.refine(ok, issue('levels_repeat', 'levels must not repeat'))`. */
export const issue = (code: IssueCode, message: string, params: IssueParams = {}) => ({
  message,
  params: { ...params, code },
});
