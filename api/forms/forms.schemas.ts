// What the form routes answer (their contracts' response schemas).
import { z } from 'zod';
import { formDefinitionSchema } from '../../domain/forms/form-definition.ts';
import { id, timestamp } from '../http/response-schemas.ts';

/** A form version: its definition is the schema drafts are validated with. */
export const formVersionSchema = z.strictObject({
  version: id,
  status: z.enum(['draft', 'published', 'retired']),
  definition: formDefinitionSchema,
  note: z.string().nullable(),
  created_at: timestamp,
  published_at: timestamp.nullable(),
});
