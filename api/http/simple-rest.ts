// react-admin's simple-rest contract, once: `?sort=["field","ASC"]&range=[0,24]&filter={...}`
// answered with a JSON array and `Content-Range: <resource> <start>-<end>/<total>`. Each resource
// names its sortable fields (field → column), its key columns (the tie-breaker that makes paging
// stable over a non-unique sort), a zod schema for its filters, so an unknown field, a bad id or
// date is a 400 before any SQL runs, and a filter table: each filter's column (typed against the
// resource's query) and comparison, so no resource writes its own chain of `if (f.x) q.where(…)`.
import type { Request, RequestHandler, Response } from 'express';
import { sql, type Compilable, type SelectQueryBuilder, type StringReference } from 'kysely';
import { z } from 'zod';
import { isValidDate } from '../../domain/zoned-time.ts';
import type { DB } from '../../db/connect.ts';
import { AppError, notFound } from './errors.ts';
import { checkedAgainst, documented, endpoint, type AnyContract } from './contract.ts';
import type { Sent } from './response-schemas.ts';
import { route } from './middleware.ts';
import { jsonQueryParam } from './openapi.ts';
import { containing } from './search.ts';

const key = (max: number) =>
  z.coerce
    .number({ error: 'expected an id' })
    .int('expected an id')
    .positive('expected an id')
    .max(max, 'no such id');
/** One id or a non-empty list of them (getMany sends `{"id":[…]}`), always as a list. */
const keyList = (k: z.ZodType<number>) =>
  z.union([k, z.array(k).min(1, 'at least one id').max(1000)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** A Postgres `integer` key: ids above 2³¹−1 cannot exist, so they are a 400, not a SQL error. */
export const dbId = key(2_147_483_647);
/** A `bigserial` key (records, reviews, leave, audit). */
export const bigId = key(Number.MAX_SAFE_INTEGER);
export const idList = keyList(dbId);
export const bigIdList = keyList(bigId);
export const idParam = z.object({ id: dbId });
export const bigIdParam = z.object({ id: bigId });
export const dateFilter = z.string().refine(isValidDate, 'expected a calendar date YYYY-MM-DD');
export const textFilter = z.string().trim().min(1).max(100);
/** Declared `as const satisfies SortSpec` so listRoute can check each column against the query. */
export interface SortSpec<C extends string = string> {
  /** sortable field → SQL column (the whitelist) */
  fields: Readonly<Record<string, C>>;
  /** the primary key's columns, appended so rows with equal sort values keep one order */
  key: readonly C[];
  default: string;
}

export interface ListParams<Filter> {
  sortColumn: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
  filter: Filter;
}

const MAX_PAGE = 500;

const jsonParam = <T extends z.ZodType>(name: string, schema: T) =>
  z
    .string()
    .optional()
    .transform((s, ctx): z.infer<T> | undefined => {
      if (s === undefined) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} is not JSON` });
        return z.NEVER;
      }
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
      return z.NEVER;
    });

const listQuery = z.object({
  sort: jsonParam('sort', z.tuple([z.string(), z.enum(['ASC', 'DESC'])])),
  range: jsonParam(
    'range',
    z
      .tuple([z.number().int().min(0), z.number().int().min(0)])
      .refine(([a, b]) => a <= b, 'range end must not be before its start'),
  ),
  filter: jsonParam('filter', z.record(z.string(), z.unknown())),
});

function parseList<S extends z.ZodType>(
  query: unknown,
  sort: SortSpec,
  filterSchema: S,
): ListParams<z.infer<S>> {
  const r = listQuery.safeParse(query);
  if (!r.success) throw AppError.validation(r.error, 'query');
  const [field, order] = r.data.sort ?? [sort.default, 'DESC'];
  const [start, end] = r.data.range ?? [0, 24];
  const sortColumn = sort.fields[field];
  if (sortColumn === undefined) {
    throw new AppError('validation_failed', 400, `Cannot sort by ${field}`, [
      { field: 'sort', message: `one of ${Object.keys(sort.fields).join(', ')}` },
    ]);
  }
  const f = filterSchema.safeParse(r.data.filter ?? {});
  if (!f.success) {
    throw new AppError(
      'validation_failed',
      400,
      'The filter has invalid fields',
      f.error.issues.map((i) => ({
        field: ['filter', ...i.path].join('.'),
        message: i.code === 'unrecognized_keys' ? `unknown filter(s): ${i.keys.join(', ')}` : i.message,
      })),
    );
  }
  return {
    sortColumn,
    order: order === 'ASC' ? 'asc' : 'desc',
    offset: start,
    limit: Math.min(MAX_PAGE, end - start + 1),
    filter: f.data,
  };
}

/**
 * One page of a filtered query and the filter's total. The key columns follow the sort field in
 * the same direction, so consecutive pages neither repeat nor skip rows.
 */
async function page<DB_, TB extends keyof DB_, O>(
  db: DB,
  q: SelectQueryBuilder<DB_, TB, O>,
  p: ListParams<unknown>,
  sort: SortSpec,
): Promise<{ rows: O[]; total: number }> {
  let ordered = q.orderBy(sql.ref(p.sortColumn), p.order);
  for (const k of sort.key) if (k !== p.sortColumn) ordered = ordered.orderBy(sql.ref(k), p.order);
  const [rows, total] = await Promise.all([
    ordered.limit(p.limit).offset(p.offset).execute(),
    countOf(db, q),
  ]);
  return { rows, total };
}

async function countOf(db: DB, q: Compilable): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from (${q}) as filtered`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

function sendList(res: Response, resource: string, p: ListParams<unknown>, rows: unknown[], total: number) {
  const end = rows.length ? p.offset + rows.length - 1 : p.offset;
  res.setHeader('Content-Range', `${resource} ${p.offset}-${end}/${total}`);
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range');
  res.json(rows);
}

/** `contains` is a name search typed by a person (ILIKE with `%` and `_` taken literally). */
export type FilterOp = 'in' | '=' | '>=' | '<=' | 'contains';

/** How one filter narrows the query: a column of it and a comparison, or a function for the rest. */
export type FilterRule<DB_, TB extends keyof DB_, O, V> =
  | readonly [column: StringReference<DB_, TB>, op: FilterOp]
  | ((q: SelectQueryBuilder<DB_, TB, O>, value: V) => SelectQueryBuilder<DB_, TB, O>);

/** One rule for every field of the filter schema (a field without one fails to compile). */
export type FilterTable<F, DB_, TB extends keyof DB_, O> = {
  [K in keyof F]-?: FilterRule<DB_, TB, O, Exclude<F[K], undefined>>;
};

type Filterable<Q> = { where(column: string, op: string, value: unknown): Q };

function applyFilters<DB_, TB extends keyof DB_, O>(
  query: SelectQueryBuilder<DB_, TB, O>,
  filter: Record<string, unknown>,
  table: Record<string, FilterRule<DB_, TB, O, never>>,
): SelectQueryBuilder<DB_, TB, O> {
  let q = query;
  for (const [field, value] of Object.entries(filter)) {
    const rule = table[field];
    if (value === undefined || rule === undefined) continue;
    if (typeof rule === 'function') {
      q = rule(q, value as never);
      continue;
    }
    const [column, op] = rule;
    // the column was type-checked against the query where the table was written
    const w = q as unknown as Filterable<SelectQueryBuilder<DB_, TB, O>>;
    q =
      op === 'contains' ? w.where(column, 'ilike', containing(value as string)) : w.where(column, op, value);
  }
  return q;
}

/**
 * A resource's list route (getList, getMany by `id`, getManyReference by its target column): the
 * resource gives its scoped query and its filter table; this parses the contract, filters, pages
 * and answers.
 */
export function listRoute<
  S extends z.ZodType<Record<string, unknown>>,
  DB_,
  TB extends keyof DB_,
  O,
  I extends z.ZodType,
>(
  db: DB,
  resource: string,
  /** one row of the answer, as getOne answers it too (the document's and the tests' schema) */
  item: I,
  sort: NoInfer<SortSpec<StringReference<DB_, TB>>>,
  filterSchema: S,
  query: (req: Request) => SelectQueryBuilder<DB_, TB, O>,
  filters: NoInfer<FilterTable<z.infer<S>, DB_, TB, O>>,
  /** the row as answered; without one the row itself must be `item` (the test-mode check says) */
  present: (row: O, req: Request) => Sent<NoInfer<I>> = (row) => row as Sent<I>,
): RequestHandler {
  const contract = listContract(resource, item, sort, filterSchema);
  return documented(
    contract,
    route(async (req, res) => {
      checkedAgainst([contract.response], req, res);
      const p = parseList(req.query, sort, filterSchema);
      const q = applyFilters(query(req), p.filter, filters as Record<string, FilterRule<DB_, TB, O, never>>);
      const { rows, total } = await page(db, q, p, sort);
      sendList(
        res,
        resource,
        p,
        rows.map((row) => present(row, req)),
        total,
      );
    }),
  );
}

/** The list contract for the document: the same sort fields, range rule and filter schema parseList checks. */
function listContract(
  resource: string,
  item: z.ZodType,
  sort: SortSpec,
  filterSchema: z.ZodType,
): AnyContract {
  const fields = Object.keys(sort.fields) as [string, ...string[]];
  return {
    summary: `List ${resource} (react-admin simple-rest: getList, getMany, getManyReference)`,
    query: z
      .object({
        sort: jsonQueryParam(
          z.tuple([z.enum(fields), z.enum(['ASC', 'DESC'])]),
          `["field","ASC"|"DESC"]; default ["${sort.default}","DESC"]`,
        ),
        range: jsonQueryParam(
          z.tuple([z.number().int().min(0), z.number().int().min(0)]),
          `[start,end], both included, at most ${MAX_PAGE} rows; default [0,24]`,
        ),
        filter: jsonQueryParam(filterSchema, 'the filter object; unknown fields are refused'),
      })
      .strict(),
    response: {
      description: `One page of ${resource}`,
      schema: z.array(item),
      headers: { 'Content-Range': `${resource} <start>-<end>/<total>` },
    },
  };
}

/**
 * What every per-employee resource (records, reviews, leave) shares, for a query of table alias `t`
 * joined to employees `e` and departments `d`: the filters getMany (`id`), getManyReference
 * (`employee_id`), the department picker and the name search send, their rules, and the sort fields.
 */
export const person = {
  /** spread into the resource's filter schema */
  filters: {
    id: bigIdList,
    employee_id: idList,
    department_id: idList,
    /** employee search: a part of the name */
    q: textFilter,
  },
  /** the rules of `filters` (leave has no department column of its own: it passes `e.department_id`) */
  rules: <T extends string, D extends string = `${T}.department_id`>(t: T, departmentColumn?: D) =>
    ({
      id: [`${t}.id`, 'in'],
      employee_id: [`${t}.employee_id`, 'in'],
      department_id: [departmentColumn ?? (`${t}.department_id` as D), 'in'],
      q: ['e.name', 'contains'],
    }) as const,
  sort: <T extends string>(t: T) =>
    ({ id: `${t}.id`, employee_name: 'e.name', department_name: 'd.name' }) as const,
};

/**
 * getOne of a scoped resource: the `:id` path parameter (a bigserial key), the row the caller's
 * scope may see, or a 404 naming the resource.
 */
export function getOneRoute<I extends z.ZodType>(
  item: I,
  find: (req: Request, id: number) => Promise<Sent<NoInfer<I>> | undefined>,
  notFoundName: string,
  summary = `One ${notFoundName.toLowerCase()} (react-admin simple-rest: getOne)`,
): RequestHandler {
  return endpoint(
    {
      summary,
      params: bigIdParam,
      response: { description: `The ${notFoundName.toLowerCase()}`, schema: item },
    },
    async (req, res, { params: { id } }) => {
      const row = await find(req, id);
      if (row === undefined) throw notFound(notFoundName);
      res.json(row);
    },
  );
}
