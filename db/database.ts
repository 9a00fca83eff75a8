// The typed shape of the Postgres schema, as kysely sees it.
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { DaySchedule } from '../domain/day-schedule.ts';
import type { AnomalyReason } from '../domain/anomaly/evaluate.ts';
import type { FormDefinition, Severity } from '../domain/forms/form-definition.ts';
import type { ReviewHistoryEvent, ReviewStatus } from '../domain/review-status.ts';
import type { DataRequestKind, DataRequestStatus } from '../domain/privacy/data-request.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/**
 * Plaintext from before field encryption (0007): only the sealing reads it (raw SQL) and nulls it.
 * Typed `never` so code reading it instead of the repositories' opened value does not compile.
 */
type LegacyPlain = ColumnType<never, never, null>;
/** An AES-256-GCM ciphertext (security/field-crypto.ts), sealed and opened in db/sealed-fields.ts. */
type Sealed = ColumnType<string | null, string | null | undefined, string | null>;
/** Key of the row's ciphertexts (null: not sealed yet); `npm run rotate-keys` re-seals the others. */
type KeyId = ColumnType<string | null, string | undefined, string>;

export interface DepartmentsTable {
  id: Generated<number>;
  name: string;
  parent_id: number | null;
  dingtalk_dept_id: number | null;
  manager_id: number | null;
  hr_contact_id: number | null;
  created_at: CreatedAt;
  time_zone: string | null;
}

export interface EmployeesTable {
  id: Generated<number>;
  dingtalk_user_id: string;
  dingtalk_union_id: string | null;
  name: string;
  department_id: number;
  manager_id: number | null;
  mobile: LegacyPlain;
  mobile_ct: Sealed;
  key_id: KeyId;
  active: Generated<boolean>;
  created_at: CreatedAt;
  workdays: number[] | null;
  time_zone: string | null;
  /** when the employee was deactivated (kept by a trigger, 0015); null while active */
  deactivated_at: ColumnType<Date | null, never, never>;
  /** the privacy notice version the person last answered (0014); null: never */
  privacy_version: ColumnType<number | null, number | null | undefined, number | null>;
  privacy_state: ColumnType<PrivacyState | null, PrivacyState | null | undefined, PrivacyState | null>;
}

export type PrivacyState = 'acknowledged' | 'consented' | 'withdrawn';
export type LegalBasis = 'consent' | 'hr_management';

/** The notice's texts in one language (the form's fields, retention and roles are added when shown). */
export interface NoticeText {
  purpose: string;
  /** who sees the answers beyond the automatic manager / HR lines */
  audience: string;
  processors: string;
  rights: string;
  contact: string;
}

export interface PrivacyNoticesTable {
  version: Generated<number>;
  status: ColumnType<
    'draft' | 'published' | 'retired',
    'draft' | 'published' | undefined,
    'draft' | 'published' | 'retired'
  >;
  legal_basis: LegalBasis;
  content: ColumnType<{ zh: NoticeText; en: NoticeText }, string, string>;
  show_reader_names: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  published_at: Timestamp | null;
}

export interface PrivacyConsentsTable {
  id: Generated<number>;
  employee_id: number;
  notice_version: number;
  action: PrivacyState;
  at: Generated<Date>;
  ip: string | null;
  user_agent: string | null;
}

export interface DepartmentRobotsTable {
  department_id: number;
  webhook_token: string;
  signing_secret: string | null;
  updated_at: Generated<Date>;
}

export interface CheckinPoliciesTable {
  id: Generated<number>;
  time_zone: string;
  window_start: string;
  window_end: string;
  reminder_times: string[];
  late_submissions: 'accept' | 'refuse';
  late_grace_minutes: number;
  ding_phone_call: boolean;
  updated_at: Generated<Date>;
  department_id: number | null;
  effective_from: ColumnType<string, string | undefined, string>;
  enabled_levels: ColumnType<number[], number[] | undefined, number[]>;
}

export interface CalendarOverridesTable {
  date: string;
  kind: 'workday' | 'day_off';
  note: string | null;
  created_at: CreatedAt;
}

export interface LeavesTable {
  id: Generated<number>;
  employee_id: number;
  kind: 'leave' | 'business_trip';
  from_date: string;
  to_date: string;
  note: string | null;
  source: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export type DayOutcome = 'pending' | 'submitted' | 'late' | 'missed' | 'exempt';

export interface CheckinDaysTable {
  employee_id: number;
  work_date: string;
  department_id: number;
  outcome: Generated<DayOutcome>;
  level_reached: Generated<number>;
  opens_at: Timestamp;
  closes_at: Timestamp;
  late_until: Timestamp;
  schedule: ColumnType<DaySchedule, string, string>;
  updated_at: Generated<Date>;
  /** why an exempt day is exempt, where it is not the calendar's or a leave's: `consent_withdrawn` */
  exempt_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface HealthRecordsTable {
  id: Generated<number>;
  employee_id: number;
  department_id: number;
  work_date: string;
  submitted_at: Timestamp;
  client_submitted_at: Timestamp | null;
  answers: LegacyPlain;
  answers_ct: Sealed;
  key_id: KeyId;
  status: 'on_time' | 'late';
  idempotency_key: string;
  /** sha256 of the canonical request body first stored under idempotency_key (null before 0012) */
  request_hash: Generated<string | null>;
  created_at: CreatedAt;
  form_version: number | null;
  severity: ColumnType<Severity, Severity | undefined, Severity>;
  reasons: LegacyPlain;
  reasons_ct: Sealed;
  is_current: Generated<boolean>;
  recheck_of: number | null;
  /** the identity check the submission passed (`dingtalk-reauth`, `link-token`, …), null when none */
  identity_check: ColumnType<string | null, string | null | undefined, never>;
  /** the manager who filled it in for the employee (代填), null when the employee did */
  proxy_by_employee_id: ColumnType<number | null, number | null | undefined, never>;
  /** when retention removed the record's locations (their class is kept shorter), null before */
  locations_removed_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface FormsTable {
  version: Generated<number>;
  status: ColumnType<
    'draft' | 'published' | 'retired',
    'draft' | 'published' | undefined,
    'draft' | 'published' | 'retired'
  >;
  definition: ColumnType<FormDefinition, string, string>;
  note: string | null;
  created_at: CreatedAt;
  published_at: Timestamp | null;
}

export type { ReviewStatus };

export interface ReviewHistoryEntry {
  at: string;
  event: ReviewHistoryEvent;
  actorId?: number;
  decision?: string;
  /** sealed in the table (db/sealed-fields.ts), plain once read through the repository */
  comment?: string;
  recordId?: number;
  severity?: Severity;
  /** notified_manager / escalated: who was told (empty: nobody anywhere up the tree) and why them */
  to?: number[];
  via?: 'manager' | 'hr_contact' | 'company_hr' | 'none';
}

export interface ReviewsTable {
  id: Generated<number>;
  record_id: number;
  current_record_id: number;
  employee_id: number;
  department_id: number;
  work_date: string;
  severity: Severity;
  status: Generated<ReviewStatus>;
  escalated: Generated<boolean>;
  decider_id: number | null;
  decision: string | null;
  comment: LegacyPlain;
  comment_ct: Sealed;
  key_id: KeyId;
  decided_at: Timestamp | null;
  history: ColumnType<ReviewHistoryEntry[], string | undefined, string>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export type ReminderStatus = 'claimed' | 'sending' | 'sent' | 'skipped' | 'failed' | 'unknown';

export interface RemindersSentTable {
  employee_id: number;
  work_date: string;
  level: number;
  department_id: number;
  channel: string;
  status: Generated<ReminderStatus>;
  batch_key: string;
  external_id: string | null;
  error: string | null;
  claimed_at: Generated<Date>;
  sent_at: Timestamp | null;
  /** DingTalk's read state of a work notification (getsendresult); null until asked */
  delivery: Generated<ReminderDelivery | null>;
  delivery_checked_at: Timestamp | null;
}

export type ReminderDelivery = 'read' | 'unread' | 'failed' | 'forbidden';

export interface SignalOutboxTable {
  id: Generated<number>;
  workflow_id: string;
  signal_name: string;
  payload: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  delivered_at: Timestamp | null;
  last_error: string | null;
  action: ColumnType<'signal' | 'start', 'signal' | 'start' | undefined, never>;
  workflow_type: string | null;
}

export interface Database {
  departments: DepartmentsTable;
  employees: EmployeesTable;
  department_robots: DepartmentRobotsTable;
  checkin_policies: CheckinPoliciesTable;
  checkin_days: CheckinDaysTable;
  health_records: HealthRecordsTable;
  reminders_sent: RemindersSentTable;
  signal_outbox: SignalOutboxTable;
  forms: FormsTable;
  reviews: ReviewsTable;
  calendar_overrides: CalendarOverridesTable;
  leaves: LeavesTable;
  exports: ExportsTable;
  local_accounts: LocalAccountsTable;
  role_grants: RoleGrantsTable;
  audit_log: AuditLogTable;
  revoked_sessions: RevokedSessionsTable;
  attachments: AttachmentsTable;
  department_day_stats: DepartmentDayStatsTable;
  privacy_notices: PrivacyNoticesTable;
  privacy_consents: PrivacyConsentsTable;
  privacy_settings: PrivacySettingsTable;
  data_requests: DataRequestsTable;
}

/** The company's privacy settings (one row, 0015); null columns take the configured defaults. */
export interface PrivacySettingsTable {
  id: ColumnType<boolean, boolean | undefined, never>;
  record_retention_days: number | null;
  photo_retention_days: number | null;
  location_retention_days: number | null;
  audit_retention_days: number | null;
  location_decimals: number | null;
  departed_grace_days: number | null;
  updated_at: Generated<Date>;
  updated_by: string | null;
}

export type { DataRequestKind, DataRequestStatus };

/** An employee's correction or deletion request, decided by HR (workflows/data-request.ts). */
export interface DataRequestsTable {
  id: Generated<number>;
  employee_id: number;
  department_id: number;
  kind: DataRequestKind;
  record_id: number | null;
  message_ct: string;
  key_id: string;
  status: Generated<DataRequestStatus>;
  escalated: Generated<boolean>;
  reminders: Generated<number>;
  decided_by: string | null;
  decider_employee_id: number | null;
  reason: string | null;
  decided_at: Timestamp | null;
  outcome: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

export type AttachmentType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface AttachmentsTable {
  id: Generated<string>;
  employee_id: number;
  record_id: number | null;
  content_type: AttachmentType;
  size_bytes: number;
  /** sealed with field encryption (binary ciphertext) unless key_id is null */
  bytes: Buffer;
  key_id: string | null;
  created_at: CreatedAt;
}

/** Daily figures per department, kept by triggers (migration 0009); read by the dashboard. */
export interface DepartmentDayStatsTable {
  work_date: string;
  department_id: number;
  expected: number;
  submitted: number;
  pending: number;
  missed: number;
  exempt: number;
  records: number;
  warnings: number;
  reds: number;
}

export interface ExportsTable {
  id: Generated<number>;
  format: 'xlsx' | 'pdf';
  filter: ColumnType<{ from: string; to: string; departmentIds: number[] }, string, string>;
  status: ColumnType<
    'queued' | 'running' | 'done' | 'failed' | 'expired',
    'queued' | undefined,
    'running' | 'done' | 'failed' | 'expired'
  >;
  progress: Generated<number>;
  total: number | null;
  file_name: string | null;
  size_bytes: number | null;
  error: string | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
  expires_at: Timestamp | null;
  requested_by: string | null;
  /** the stated purpose of an export of health answers (PIPL) */
  purpose: string | null;
}

export type StaffRole = 'hr' | 'admin';

export interface LocalAccountsTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  roles: StaffRole[];
  hr_all_departments: Generated<boolean>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface RoleGrantsTable {
  id: Generated<number>;
  employee_id: number;
  role: StaffRole;
  all_departments: Generated<boolean>;
  created_at: CreatedAt;
}

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditLogTable {
  /** bigserial, read as a number (db/connect.ts parses int8) */
  id: Generated<number>;
  at: Generated<Date>;
  actor: string;
  actor_roles: string[];
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditOutcome;
  status: number | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  detail: ColumnType<Record<string, unknown> | null, string | null, never>;
  /** the department the action was about (its target's), for department HR's view; null when none */
  department_id: ColumnType<number | null, number | null | undefined, never>;
}

export interface RevokedSessionsTable {
  sid: string;
  expires_at: Timestamp;
}

/** Columns the application never hands on: ciphertexts and legacy plaintext, replaced by the opened value. */
type SealedColumns = 'key_id' | `${string}_ct`;
/** A row as the repositories return it: sealed fields opened under their plain names. */
type Opened<T, Plain> = Omit<Selectable<T>, SealedColumns | keyof Plain> & Plain;

export type Employee = Opened<EmployeesTable, { mobile: string | null }>;
export type Department = Selectable<DepartmentsTable>;
export type HealthRecord = Opened<
  HealthRecordsTable,
  { answers: Record<string, unknown>; reasons: AnomalyReason[] }
>;
export type Review = Opened<ReviewsTable, { comment: string | null }>;
export type FormRow = Selectable<FormsTable>;
export type NewEmployee = Insertable<EmployeesTable>;
