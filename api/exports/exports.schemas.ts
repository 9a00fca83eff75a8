// What the export routes answer (their contracts' response schemas and file types).
import { z } from 'zod';
import { REPORT_CONTENT_TYPE } from '../../reports/report-file.ts';
import { calendarDate, count, id, timestamp } from '../http/response-schemas.ts';

/** An export as its requester polls it (exports.service.ts exportView). */
export const exportViewSchema = z.strictObject({
  id,
  format: z.enum(['xlsx', 'pdf']),
  filter: z.strictObject({ from: calendarDate, to: calendarDate, departmentIds: z.array(id) }),
  status: z.enum(['queued', 'running', 'done', 'failed', 'expired']),
  progress: count,
  total: count.nullable(),
  percent: z.number().min(0).max(100),
  fileName: z.string().nullable(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  error: z.string().nullable(),
  purpose: z.string().nullable(),
  /** set once the file is ready */
  downloadUrl: z.string().nullable(),
});

/** The report file's media types: Excel and PDF. */
export const reportContentTypes = Object.values(REPORT_CONTENT_TYPE);
