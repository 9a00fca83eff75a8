// react-admin's update sends the whole record back, joined read-only fields included: only the
// fields an edit schema names are taken, and a body naming none of them is refused (nothing to do).
import type { z } from 'zod';
import { AppError } from '../http/errors.ts';

export function pickEditable<S extends z.ZodObject>(body: unknown, schema: S): Record<string, unknown> {
  const keys: readonly string[] = Object.keys(schema.shape);
  const source = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
  const picked = Object.fromEntries(Object.entries(source).filter(([k]) => keys.includes(k)));
  if (Object.keys(picked).length === 0) {
    throw new AppError('validation_failed', 400, 'Nothing to change', [
      {
        field: 'body',
        message: `send at least one of ${keys.join(', ')}`,
        code: 'nothing_to_change',
        params: { keys: keys.join(', ') },
      },
    ]);
  }
  return picked;
}
