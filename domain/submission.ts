// The submission body. Answers are checked against the form version by the form validator.
import { z } from 'zod';

/** Proof for the server's identity check (anti-proxy filling): which check, and its evidence. */
export const identityProofSchema = z
  .object({
    method: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'method is a check name such as dingtalk-reauth'),
    /** dingtalk-reauth: a fresh 免登 code */
    code: z.string().min(1).max(256).optional(),
    /** link-token: the signed link the page was opened with */
    token: z.string().min(1).max(2048).optional(),
  })
  .strict();
export type IdentityProof = z.infer<typeof identityProofSchema>;

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
    identity: identityProofSchema.optional(),
  })
  .strict();

export type Submission = z.infer<typeof submissionSchema>;
