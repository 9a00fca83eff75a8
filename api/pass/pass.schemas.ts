// What the pass routes answer (their contracts' response schemas; pass.service.ts's types are these).
import { z } from 'zod';
import { reviewStatuses } from '../../domain/review-status.ts';
import { calendarDate, severity } from '../http/response-schemas.ts';

/** Green only for a normal day or an approved warning; red stays red whatever the review says. */
export const passColourSchema = z.enum(['green', 'amber', 'red']);

/** Who, which day, and how the day stands. */
export const passViewSchema = z.strictObject({
  name: z.string(),
  departmentName: z.string(),
  workDate: calendarDate,
  colour: passColourSchema,
  severity,
  reviewStatus: z.enum(reviewStatuses).nullable(),
});

/** GET /api/me/pass: the signed token, the URL its QR code holds, and the view. */
export const myPassSchema = passViewSchema.extend({
  token: z.string(),
  verifyUrl: z.url().meta({ description: 'what the QR code encodes: /pass/verify?p=<token>' }),
});
