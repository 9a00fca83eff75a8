// react-admin's simple-rest contract: ?sort=["field","ASC"]&range=[0,24]&filter={...}, answered
// with a JSON array and `Content-Range: <resource> <start>-<end>/<total>`.
import type { Response } from 'express';
import { z } from 'zod';
import { AppError } from '../http/errors.ts';

const jsonParam = <T extends z.ZodType>(schema: T, fallback: z.infer<T>) =>
  z
    .string()
    .optional()
    .transform((s, ctx): z.infer<T> => {
      if (s === undefined) return fallback;
      try {
        const r = schema.safeParse(JSON.parse(s));
        if (r.success) return r.data;
        ctx.addIssue({ code: 'custom', message: r.error.issues[0]?.message ?? 'invalid' });
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
      }
      return z.NEVER;
    });

const listQuery = z.object({
  sort: jsonParam(z.tuple([z.string(), z.enum(['ASC', 'DESC'])]), ['id', 'DESC']),
  range: jsonParam(z.tuple([z.number().int().min(0), z.number().int().min(0)]), [0, 24]),
  filter: jsonParam(z.record(z.string(), z.unknown()), {}),
});

export interface ListParams {
  sortField: string;
  sortOrder: 'asc' | 'desc';
  offset: number;
  limit: number;
  filter: Record<string, unknown>;
}

export function parseList(query: unknown, sortable: readonly string[]): ListParams {
  const r = listQuery.safeParse(query);
  if (!r.success) throw AppError.validation(r.error, 'query');
  const [field, order] = r.data.sort;
  const [start, end] = r.data.range;
  if (!sortable.includes(field)) {
    throw new AppError('validation_failed', 400, `Cannot sort by ${field}`, [
      { field: 'sort', message: `one of ${sortable.join(', ')}` },
    ]);
  }
  return {
    sortField: field,
    sortOrder: order === 'ASC' ? 'asc' : 'desc',
    offset: start,
    limit: Math.min(500, Math.max(1, end - start + 1)),
    filter: r.data.filter,
  };
}

export function sendList(res: Response, resource: string, p: ListParams, rows: unknown[], total: number) {
  const end = rows.length ? p.offset + rows.length - 1 : p.offset;
  res.setHeader('Content-Range', `${resource} ${p.offset}-${end}/${total}`);
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range');
  res.json(rows);
}

/** A filter value that may be one id or a list of ids (getMany sends {"id": [..]}). */
export const ids = (v: unknown): number[] | undefined =>
  v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map(Number).filter((n) => Number.isInteger(n));
