// What the privacy routes answer (their contracts' response schemas): the company's settings, the
// notice versions, the employee's answers and "我的数据".
import { z } from 'zod';
import {
  anomalyReason,
  answers,
  calendarDate,
  count,
  id,
  localizedText,
  severity,
  timestamp,
} from '../http/response-schemas.ts';

const days = z.number().int().nullable();

/** GET/PUT /api/privacy/settings: the saved settings (null: the default) and what is in force. */
export const privacySettingsViewSchema = z.strictObject({
  settings: z.strictObject({
    recordRetentionDays: days,
    photoRetentionDays: days,
    locationRetentionDays: days,
    auditRetentionDays: days,
    locationDecimals: days,
    departedGraceDays: days,
  }),
  updatedAt: timestamp.nullable(),
  /** each class's days in force (the configured defaults where a setting is null) */
  effective: z
    .strictObject({
      records: z.number(),
      photos: z.number(),
      locations: z.number(),
      audit: z.number(),
      departedGraceDays: z.number(),
    })
    .optional(),
});

const noticeText = z.strictObject({
  purpose: z.string(),
  audience: z.string(),
  processors: z.string(),
  rights: z.string(),
  contact: z.string(),
});
const legalBasis = z.enum(['consent', 'hr_management']);
const privacyState = z.enum(['acknowledged', 'consented', 'withdrawn']);

/** A notice version as stored (`id` repeats `version` for react-admin). */
export const noticeSchema = z.strictObject({
  id,
  version: id,
  status: z.enum(['draft', 'published', 'retired']),
  legal_basis: legalBasis,
  content: z.strictObject({ zh: noticeText, en: noticeText }),
  show_reader_names: z.boolean(),
  created_by: z.string().nullable(),
  created_at: timestamp,
  published_at: timestamp.nullable(),
});

/** The notice as the check-in page shows it: the texts, the form's fields and the retention in force. */
export const noticeViewSchema = z.strictObject({
  version: id,
  legalBasis,
  publishedAt: timestamp.nullable(),
  text: z.strictObject({ zh: noticeText, en: noticeText }),
  fields: z.array(
    z.strictObject({
      key: z.string(),
      type: z.string(),
      label: localizedText,
      requiresConsent: z.boolean(),
      why: localizedText.optional(),
    }),
  ),
  retention: z.strictObject({
    recordDays: z.number(),
    photoDays: z.number(),
    locationDays: z.number(),
    auditDays: z.number(),
  }),
  showReaderNames: z.boolean(),
});

/** A notice in the admin list, with how the active employees stand towards it. */
export const noticeListItemSchema = noticeSchema.extend({
  answers: z.strictObject({ acknowledged: count, consented: count, withdrawn: count }),
});
/** One notice, with the page view. */
export const noticeDetailSchema = noticeSchema.extend({ view: noticeViewSchema });

/** One answer of the employee to a notice version. */
export const consentSchema = z.strictObject({
  id,
  notice_version: id,
  action: privacyState,
  at: timestamp,
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
});

/** GET /api/me/privacy */
export const myPrivacySchema = z.strictObject({
  notice: noticeViewSchema.nullable(),
  needed: z.enum(['none', 'acknowledge', 'consent']),
  state: privacyState.nullable(),
  stateVersion: id.nullable(),
  history: z.array(consentSchema),
});

/** POST /api/me/privacy/answers: the stored answer, and whether it stopped today's check-in day. */
export const storedAnswerSchema = consentSchema.extend({ employee_id: id, stoppedToday: z.boolean() });

/** GET /api/me/data: the employee's own records and reviews. */
export const myDataSchema = z.strictObject({
  records: z.array(
    z.strictObject({
      id,
      work_date: calendarDate,
      submitted_at: timestamp,
      client_submitted_at: timestamp.nullable(),
      status: z.enum(['on_time', 'late']),
      severity,
      form_version: id.nullable(),
      is_current: z.boolean(),
      recheck_of: id.nullable(),
      identity_check: z.string().nullable(),
      filled_in_by_manager: z.boolean(),
      answers,
      reasons: z.array(anomalyReason),
    }),
  ),
  reviews: z.array(
    z.strictObject({
      id,
      record_id: id,
      current_record_id: id,
      work_date: calendarDate,
      severity,
      status: z.enum(['pending', 'recheck_requested', 'approved', 'rejected']),
      escalated: z.boolean(),
      decision: z.string().nullable(),
      decided_at: timestamp.nullable(),
      created_at: timestamp,
      comment: z.string().nullable(),
      /** the events of their review, without who else was told */
      history: z.array(
        z.strictObject({
          at: z.string(),
          event: z.string(),
          decision: z.string().optional(),
          severity: severity.optional(),
        }),
      ),
    }),
  ),
});

/** GET /api/me/data/access: who read their health answers. */
export const myReadersSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      at: timestamp,
      action: z.string(),
      roles: z.array(z.string()),
      department: z.string().nullable(),
      /** only when the notice allows reader names */
      name: z.string().nullable(),
    }),
  ),
});
