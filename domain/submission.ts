// The submission body. Answers are checked against the form version by the form validator.
import { z } from 'zod';

export const submissionSchema = z
  .object({
    idempotencyKey: z
      .string({ error: 'idempotencyKey is required' })
      .regex(/^[A-Za-z0-9_-]{8,128}$/, 'idempotencyKey must be 8–128 letters, digits, - or _'),
    answers: z.record(z.string(), z.unknown(), { error: 'answers must be an object' }),
    /** the form version the page rendered (an offline resend may predate a publish) */
    formVersion: z.number().int().positive().optional(),
    /** when the employee pressed submit on the device (offline resend keeps the original time) */
    clientSubmittedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type Submission = z.infer<typeof submissionSchema>;
