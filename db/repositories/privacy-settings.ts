// The company's privacy settings (retention per data class, location precision, the grace period
// before a departed employee's health data goes) and deleting one person's health data.
import { sql, type Transaction } from 'kysely';
import { readCache } from './read-cache.ts';
import type { DB } from '../connect.ts';
import type { Database } from '../database.ts';
import type { Severity } from '../../domain/forms/form-definition.ts';
import type { PrivacySettings } from '../../domain/privacy/settings.ts';

type Q = DB | Transaction<Database>;

export type { PrivacySettings };

export const noPrivacySettings: PrivacySettings = {
  recordRetentionDays: null,
  photoRetentionDays: null,
  locationRetentionDays: null,
  auditRetentionDays: null,
  locationDecimals: null,
  departedGraceDays: null,
};

export async function getPrivacySettings(db: Q): Promise<PrivacySettings & { updatedAt: Date | null }> {
  const row = await db.selectFrom('privacy_settings').selectAll().executeTakeFirst();
  if (!row) return { ...noPrivacySettings, updatedAt: null };
  return {
    recordRetentionDays: row.record_retention_days,
    photoRetentionDays: row.photo_retention_days,
    locationRetentionDays: row.location_retention_days,
    auditRetentionDays: row.audit_retention_days,
    locationDecimals: row.location_decimals,
    departedGraceDays: row.departed_grace_days,
    updatedAt: row.updated_at,
  };
}

/**
 * How long a process may store submissions with the settings it read last: a change saved through
 * this process is seen at once, one saved by another API instance within this time.
 */
const CACHE_MS = 5_000;
const cache = readCache<PrivacySettings>(CACHE_MS, (db) => getPrivacySettings(db));

/** getPrivacySettings for the submission path (asked on every submission). */
export const getPrivacySettingsCached = (db: DB): Promise<PrivacySettings> => cache.get(db);

export async function savePrivacySettings(db: DB, s: PrivacySettings, updatedBy: string): Promise<void> {
  cache.forget(db);
  const values = {
    record_retention_days: s.recordRetentionDays,
    photo_retention_days: s.photoRetentionDays,
    location_retention_days: s.locationRetentionDays,
    audit_retention_days: s.auditRetentionDays,
    location_decimals: s.locationDecimals,
    departed_grace_days: s.departedGraceDays,
    updated_by: updatedBy,
  };
  await db
    .insertInto('privacy_settings')
    .values(values)
    .onConflict((oc) => oc.column('id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}

/** Counts of what a deletion removed (the audit row holds these, never contents). */
export interface DeletedCounts {
  records: number;
  photos: number;
  reviews: number;
}

/**
 * Deletes one person's health data: their records (answers, reasons, locations are inside them),
 * photos, and the reviews of their records (reasons and reviewers' comments). Their check-in days
 * (attendance: submitted, late, missed) and reminders stay. With `recordId`, only that record
 * (and the rechecks that replaced it or that it replaced).
 */
export async function deletePersonHealthData(
  trx: Transaction<Database>,
  employeeId: number,
  recordId?: number,
): Promise<DeletedCounts> {
  let ids: number[];
  if (recordId === undefined) {
    ids = (
      await trx.selectFrom('health_records').select('id').where('employee_id', '=', employeeId).execute()
    ).map((r) => r.id);
  } else {
    const one = await trx
      .selectFrom('health_records')
      .select(['id', 'work_date'])
      .where('employee_id', '=', employeeId)
      .where('id', '=', recordId)
      .executeTakeFirst();
    // the day's chain of rechecks goes together (each points at the one it replaced)
    ids = one
      ? (
          await trx
            .selectFrom('health_records')
            .select('id')
            .where('employee_id', '=', employeeId)
            .where('work_date', '=', one.work_date)
            .execute()
        ).map((r) => r.id)
      : [];
  }
  const photos =
    recordId === undefined
      ? await trx.deleteFrom('attachments').where('employee_id', '=', employeeId).executeTakeFirst()
      : ids.length
        ? await trx.deleteFrom('attachments').where('record_id', 'in', ids).executeTakeFirst()
        : { numDeletedRows: 0n };
  if (ids.length === 0) return { records: 0, photos: Number(photos.numDeletedRows), reviews: 0 };
  const reviews = await trx
    .deleteFrom('reviews')
    .where((eb) => eb.or([eb('record_id', 'in', ids), eb('current_record_id', 'in', ids)]))
    .executeTakeFirst();
  await trx.updateTable('health_records').set({ recheck_of: null }).where('recheck_of', 'in', ids).execute();
  const records = await trx.deleteFrom('health_records').where('id', 'in', ids).executeTakeFirst();
  return {
    records: Number(records.numDeletedRows),
    photos: Number(photos.numDeletedRows),
    reviews: Number(reviews.numDeletedRows),
  };
}

/** Photos uploaded before `before`, up to `limit`, locked (a concurrent run takes the others). */
export function lockPhotosBefore(trx: Transaction<Database>, before: Date, limit: number) {
  return trx
    .selectFrom('attachments')
    .select(['id', 'record_id'])
    .where('created_at', '<', before)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * The records of the days these records belong to (each with the rechecks that replaced it or
 * that it replaced: a recheck may send the same photo again), locked, answers still sealed.
 */
export function lockRecordsOfSameDays(trx: Transaction<Database>, recordIds: number[]) {
  if (recordIds.length === 0) return Promise.resolve([]);
  return trx
    .selectFrom('health_records as h')
    .select(['h.id', 'h.answers_ct', 'h.reasons_ct'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('health_records as o')
          .select('o.id')
          .where('o.id', 'in', recordIds)
          .whereRef('o.employee_id', '=', 'h.employee_id')
          .whereRef('o.work_date', '=', 'h.work_date'),
      ),
    )
    .orderBy('h.id')
    .forUpdate()
    .execute();
}

export async function setRecordCiphertexts(
  trx: Transaction<Database>,
  recordId: number,
  sealed: { answers_ct: string; reasons_ct: string; key_id: string },
) {
  await trx.updateTable('health_records').set(sealed).where('id', '=', recordId).execute();
}

/** Deletes these photos; returns how many went. */
export async function deleteAttachments(trx: Transaction<Database>, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await trx.deleteFrom('attachments').where('id', 'in', ids).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Records dated before `beforeDate` whose locations are still held, up to `limit`. */
export function recordsWithLocationsBefore(trx: Transaction<Database>, beforeDate: string, limit: number) {
  return trx
    .selectFrom('health_records')
    .select(['id', 'answers_ct', 'reasons_ct', 'form_version'])
    .where('work_date', '<', beforeDate)
    .where('locations_removed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** A correction's view of the employee's records (what reassessing one needs), locked. */
const lockRecordsForCorrection = (trx: Transaction<Database>, employeeId: number) =>
  trx
    .selectFrom('health_records')
    .select([
      'id',
      'employee_id',
      'department_id',
      'work_date',
      'is_current',
      'severity',
      'answers_ct',
      'reasons_ct',
      'form_version',
    ])
    .where('employee_id', '=', employeeId)
    .forUpdate();

/** One of the employee's records, locked for a correction. */
export function lockOwnRecord(trx: Transaction<Database>, employeeId: number, recordId: number) {
  return lockRecordsForCorrection(trx, employeeId).where('id', '=', recordId).executeTakeFirst();
}

/** The employee's current records after `workDate`, oldest first, locked (a correction's later days). */
export function lockLaterCurrentRecords(trx: Transaction<Database>, employeeId: number, workDate: string) {
  return lockRecordsForCorrection(trx, employeeId)
    .where('is_current', '=', true)
    .where('work_date', '>', workDate)
    .orderBy('work_date')
    .execute();
}

/**
 * A corrected record: its sealed answers and reasons, and the severity they give (the dashboard's
 * department_day_stats follow a severity change through their trigger).
 */
export async function setCorrectedRecord(
  trx: Transaction<Database>,
  recordId: number,
  values: { answers_ct: string; reasons_ct: string; key_id: string; severity: Severity },
) {
  await trx.updateTable('health_records').set(values).where('id', '=', recordId).execute();
}

/** Whether the employee exists, is active, and since when not. */
export function employeeActivity(db: Q, employeeId: number) {
  return db
    .selectFrom('employees')
    .select(['id', 'active', 'deactivated_at', 'department_id'])
    .where('id', '=', employeeId)
    .executeTakeFirst();
}

/** The employee row locked (the departure deletion re-checks it in its own transaction). */
export function lockEmployeeActivity(trx: Transaction<Database>, employeeId: number) {
  return trx
    .selectFrom('employees')
    .select(['id', 'active', 'deactivated_at', 'department_id'])
    .where('id', '=', employeeId)
    .forUpdate()
    .executeTakeFirst();
}
