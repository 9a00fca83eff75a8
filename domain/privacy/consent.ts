// Whether a person may submit under the company's current privacy notice. Consent as the legal
// basis needs the person's consent to that very version; "necessary for HR management" needs only
// an acknowledgement, and the page asks for it, but a submission is not refused without one.
export type LegalBasis = 'consent' | 'hr_management';
export type PrivacyState = 'acknowledged' | 'consented' | 'withdrawn';

export interface CurrentNotice {
  version: number;
  legal_basis: LegalBasis;
}

export interface PersonAnswer {
  privacy_version: number | null;
  privacy_state: PrivacyState | null;
}

/** What the page must ask before the form: nothing, an acknowledgement, or consent. */
export function noticeNeeded(
  notice: CurrentNotice | undefined,
  p: PersonAnswer,
): 'none' | 'acknowledge' | 'consent' {
  if (!notice) return 'none';
  if (p.privacy_version === notice.version && p.privacy_state !== 'withdrawn') {
    if (notice.legal_basis === 'hr_management' || p.privacy_state === 'consented') return 'none';
  }
  return notice.legal_basis === 'consent' ? 'consent' : 'acknowledge';
}

/** True when a submission must be refused: the basis is consent and there is none to this version. */
export function lacksConsent(notice: CurrentNotice | undefined, p: PersonAnswer): boolean {
  if (!notice || notice.legal_basis !== 'consent') return false;
  return !(p.privacy_version === notice.version && p.privacy_state === 'consented');
}

/** Collection is stopped for the person: consent is the basis and they withdrew it. */
export function consentWithdrawn(notice: CurrentNotice | undefined, p: PersonAnswer): boolean {
  return notice?.legal_basis === 'consent' && p.privacy_state === 'withdrawn';
}

interface FieldLike {
  key: string;
  type: string;
  label: { zh: string; en: string };
  requiresConsent?: boolean | undefined;
  why?: { zh: string; en: string } | undefined;
}

/**
 * The form as this person may answer it: fields marked as needing consent are left out until the
 * person consented to the current notice (an acknowledgement is not consent).
 */
export function formForPerson<F extends { fields: readonly FieldLike[] }>(
  form: F,
  notice: CurrentNotice | undefined,
  p: PersonAnswer,
): F {
  if (!form.fields.some((f) => f.requiresConsent)) return form;
  const consented =
    notice !== undefined && p.privacy_version === notice.version && p.privacy_state === 'consented';
  if (consented) return form;
  return { ...form, fields: form.fields.filter((f) => !f.requiresConsent) };
}

/** The notice's automatic list of what the form asks (from the published form). */
export function noticeFields(fields: readonly FieldLike[]) {
  return fields.map((f) => ({
    key: f.key,
    type: f.type,
    label: f.label,
    requiresConsent: f.requiresConsent === true,
    ...(f.why ? { why: f.why } : {}),
  }));
}
