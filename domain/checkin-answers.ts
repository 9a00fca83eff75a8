// The built-in answers every check-in carries, and the submission body. The configurable form
// engine extends this; these fields stay the minimum the ladder and anomaly rules rely on.
import { z } from 'zod';

export const healthCodeColours = ['green', 'yellow', 'red'] as const;

export const checkinAnswersSchema = z
  .object({
    temperature: z
      .number({ error: 'temperature must be a number in ℃' })
      .min(34, 'temperature must be at least 34.0 ℃')
      .max(43, 'temperature must be at most 43.0 ℃'),
    healthCode: z.enum(healthCodeColours, { error: 'healthCode must be one of green, yellow, red' }),
    vaccinated: z.boolean({ error: 'vaccinated must be true or false' }),
    symptoms: z.array(z.string().min(1).max(50)).max(20).optional(),
    remarks: z.string().max(500).optional(),
  })
  .strict();

export type CheckinAnswers = z.infer<typeof checkinAnswersSchema>;

export const submissionSchema = z
  .object({
    idempotencyKey: z
      .string({ error: 'idempotencyKey is required' })
      .regex(/^[A-Za-z0-9_-]{8,128}$/, 'idempotencyKey must be 8–128 letters, digits, - or _'),
    answers: checkinAnswersSchema,
    /** when the employee pressed submit on the device (offline resend keeps the original time) */
    clientSubmittedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type Submission = z.infer<typeof submissionSchema>;
