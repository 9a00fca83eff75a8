// What a CSV import answers (its contract's response schema, and the services' result type).
import { z } from 'zod';
import { count } from '../http/response-schemas.ts';

/** How many rows, and what they did (or would do, in a dry run). */
export const importResultSchema = z.strictObject({
  dryRun: z.boolean(),
  rows: count,
  created: count,
  updated: count,
  unchanged: count,
});
