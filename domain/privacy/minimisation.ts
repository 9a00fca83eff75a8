// Minimisation rules (PIPL): locations kept no more precise than the company needs, and removed
// from records once their own retention period ends. Plain functions over a form's answers.
import type { FormDefinition } from '../forms/form-definition.ts';

/** The location answers of a form, rounded to `decimals` (null: unchanged). */
export function coarsenLocations(
  form: Pick<FormDefinition, 'fields'>,
  answers: Record<string, unknown>,
  decimals: number | null,
): Record<string, unknown> {
  if (decimals === null) return answers;
  const f = 10 ** decimals;
  const round = (x: number) => Math.round(x * f) / f;
  let out: Record<string, unknown> | undefined;
  for (const field of form.fields) {
    if (field.type !== 'location') continue;
    const v = answers[field.key] as { lat?: unknown; lng?: unknown; accuracy?: unknown } | undefined;
    if (!v || typeof v.lat !== 'number' || typeof v.lng !== 'number') continue;
    out ??= { ...answers };
    // the accuracy of a rounded point is no better than the rounding (1° ≈ 111 km)
    const roundingMeters = Math.round(111_000 / f);
    const accuracy = typeof v.accuracy === 'number' ? Math.max(v.accuracy, roundingMeters) : roundingMeters;
    out[field.key] = { lat: round(v.lat), lng: round(v.lng), accuracy };
  }
  return out ?? answers;
}

/** The answers with every location replaced by "removed" (retention of the location class). */
export function removeLocations(
  form: Pick<FormDefinition, 'fields'> | undefined,
  answers: Record<string, unknown>,
): { answers: Record<string, unknown>; removed: number } {
  const out = { ...answers };
  let removed = 0;
  for (const [key, v] of Object.entries(answers)) {
    const isLocationField = form?.fields.some((f) => f.key === key && f.type === 'location');
    const looksLikeLocation =
      typeof v === 'object' && v !== null && 'lat' in v && 'lng' in v && Object.keys(v).length <= 3;
    if ((isLocationField ?? false) || (form === undefined && looksLikeLocation)) {
      if (typeof v === 'object' && v !== null && 'lat' in v) {
        out[key] = { status: 'removed' };
        removed++;
      }
    }
  }
  return { answers: out, removed };
}

/** Days kept per data class, each the company's setting or its fallback. */
export interface RetentionDays {
  records: number;
  photos: number;
  locations: number;
  audit: number;
}

export function retentionDays(
  settings: {
    recordRetentionDays: number | null;
    photoRetentionDays: number | null;
    locationRetentionDays: number | null;
    auditRetentionDays: number | null;
  },
  defaults: { recordDays: number; auditDays: number },
): RetentionDays {
  const records = settings.recordRetentionDays ?? defaults.recordDays;
  return {
    records,
    // a photo or a location is part of a record: never kept longer than the record
    photos: Math.min(settings.photoRetentionDays ?? records, records),
    locations: Math.min(settings.locationRetentionDays ?? records, records),
    audit: settings.auditRetentionDays ?? defaults.auditDays,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** An answer retention removed: a location (`{ status: 'removed' }`) or a photo (`{ photoId, status: 'removed' }`). */
export const isRemovedByRetention = (v: unknown): boolean => isObject(v) && v.status === 'removed';

/** The image a photo answer references (`{ photoId }`), undefined for anything else. */
export const photoIdOf = (v: unknown): string | undefined =>
  isObject(v) && typeof v.photoId === 'string' ? v.photoId : undefined;

/** The photos the answers still reference (not yet marked removed). */
export function photoIdsOf(answers: Record<string, unknown>): string[] {
  return Object.values(answers).flatMap((v) => {
    const id = photoIdOf(v);
    return id !== undefined && !isRemovedByRetention(v) ? [id] : [];
  });
}

/**
 * The answers with every photo answer naming one of `ids` marked removed by retention. The
 * reference stays (`{ photoId, status: 'removed' }`) so a read of that photo can say why it is
 * gone instead of failing like a broken link.
 */
export function markPhotosRemoved(
  answers: Record<string, unknown>,
  ids: ReadonlySet<string>,
): { answers: Record<string, unknown>; removed: number } {
  const out = { ...answers };
  let removed = 0;
  for (const [key, v] of Object.entries(answers)) {
    const id = photoIdOf(v);
    if (id === undefined || !ids.has(id) || isRemovedByRetention(v)) continue;
    out[key] = { photoId: id, status: 'removed' };
    removed++;
  }
  return { answers: out, removed };
}
