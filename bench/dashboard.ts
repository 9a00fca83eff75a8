// Benchmark: every dashboard endpoint over HTTP against the real app, with 100k employees in ~300
// departments × 180 days generated set-based into a dedicated database, against the baseline of
// the same figures counted over the raw rows (and the old unpaged non-submitter query), measured
// in the same run. `npm run bench:dashboard -- [--runs N] [--keep]`; `--keep` leaves the database
// for the next run (it is reused while complete). Figures are appended to bench/RESULTS.md.
import { appendFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest, type DB } from '../db/connect.ts';
import { getPolicy } from '../db/repositories/policy.ts';
import { addDays, workDateAt } from '../domain/zoned-time.ts';
import { generateCompany } from './company-data.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { departmentScope, nonSubmitters } from '../db/repositories/reports.ts';
import { machine } from './machine.ts';
import { serveOfflineApi } from './offline-api.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    employees: { type: 'string', default: '100000' },
  },
});
const RUNS = Number(args.runs);
const BASELINE_RUNS = Math.max(3, Math.round(RUNS / 10));
const EMPLOYEES = Number(args.employees);
const DEPARTMENTS = 300;
/** top-level departments; the rest hang below them, so a department filter covers a subtree */
const TOP_LEVEL = 30;
const DAYS = 180;
const DB_URL = 'postgres://postgres@127.0.0.1:5432/hc_bench_dashboard';

const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

/** Whether the kept database holds a complete copy of this size for this `today`. */
async function isGenerated(today: string): Promise<boolean> {
  const db = createDb(DB_URL, 1);
  try {
    const r = await sql<{ n: number }>`select count(*)::int as n from bench_meta
      where employees = ${EMPLOYEES} and days = ${DAYS} and today = ${today}`.execute(db);
    return (r.rows[0]?.n ?? 0) > 0;
  } catch {
    return false;
  } finally {
    await db.destroy();
  }
}

/** The dashboard's queries before migration 0009: aggregates over the raw rows (the baseline). */
const before0009 = {
  today: (db: DB, workDate: string) =>
    db
      .selectFrom('checkin_days as c')
      .leftJoin('health_records as h', (j) =>
        j
          .onRef('h.employee_id', '=', 'c.employee_id')
          .onRef('h.work_date', '=', 'c.work_date')
          .on('h.is_current', '=', true),
      )
      .select([
        sql<number>`count(*) filter (where c.outcome <> 'exempt')::int`.as('expected'),
        sql<number>`count(h.id)::int`.as('submitted'),
        sql<number>`count(*) filter (where c.outcome = 'pending' and h.id is null)::int`.as('pending'),
        sql<number>`count(*) filter (where h.severity <> 'normal')::int`.as('anomalies'),
        sql<number>`count(*) filter (where c.outcome = 'missed')::int`.as('missed'),
      ])
      .where('c.work_date', '=', workDate)
      .executeTakeFirstOrThrow(),
  heatmap: (db: DB, from: string, to: string) =>
    db
      .selectFrom('checkin_days as c')
      .innerJoin('departments as d', 'd.id', 'c.department_id')
      .leftJoin('health_records as h', (j) =>
        j
          .onRef('h.employee_id', '=', 'c.employee_id')
          .onRef('h.work_date', '=', 'c.work_date')
          .on('h.is_current', '=', true),
      )
      .select([
        'd.id as department_id',
        'd.name as department_name',
        'c.work_date',
        sql<number>`count(*)::int`.as('expected'),
        sql<number>`count(h.id)::int`.as('submitted'),
      ])
      .where('c.work_date', '>=', from)
      .where('c.work_date', '<=', to)
      .where('c.outcome', '<>', 'exempt')
      .groupBy(['d.id', 'd.name', 'c.work_date'])
      .orderBy('d.name')
      .orderBy('c.work_date')
      .execute(),
  trend: (db: DB, from: string, to: string) =>
    db
      .selectFrom('health_records')
      .select([
        'work_date',
        sql<number>`count(*) filter (where severity = 'warning')::int`.as('warnings'),
        sql<number>`count(*) filter (where severity = 'red')::int`.as('reds'),
      ])
      .where('is_current', '=', true)
      .where('work_date', '>=', from)
      .where('work_date', '<=', to)
      .groupBy('work_date')
      .execute(),
  nonSubmitters: async (db: DB, workDate: string, departmentIds: number[]) =>
    nonSubmitters(
      db,
      { from: workDate, to: workDate, departmentIds },
      await departmentScope(db, departmentIds),
    ),
};

interface Stat {
  p50: number;
  p95: number;
}

function percentiles(ms: number[]): Stat {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? NaN;
  return { p50: at(0.5), p95: at(0.95) };
}

async function measure(runs: number, fn: () => Promise<unknown>, warmups = 2): Promise<Stat> {
  for (let i = 0; i < warmups; i++) await fn(); // warm the cache and the pool
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return percentiles(ms);
}

async function main() {
  const config = loadConfig({
    DATABASE_URL: DB_URL,
    LOG_LEVEL: 'warn',
    DINGTALK_OAPI_URL: 'http://127.0.0.1:1',
  });
  // The company's zone is the default policy's until the database exists.
  const today = workDateAt(new Date(), 'Asia/Shanghai');
  const reuse = await isGenerated(today);
  if (!reuse) await dropDatabase(DB_URL);
  await ensureDatabase(DB_URL);
  const db = withFieldKeys(createDb(DB_URL), new FieldKeyring(config.fieldEncryption));
  let server: Server | undefined;
  try {
    await migrateToLatest(db);
    if ((await getPolicy(db)).timeZone !== 'Asia/Shanghai') throw new Error('expected the default policy');
    if (reuse) log('reusing the generated data');
    else {
      await generateCompany(db, {
        employees: EMPLOYEES,
        days: DAYS,
        today,
        departments: DEPARTMENTS,
        topLevel: TOP_LEVEL,
        log,
      });
      await sql`create table bench_meta (employees int, days int, today date)`.execute(db);
      await sql`insert into bench_meta values (${EMPLOYEES}, ${DAYS}, ${today})`.execute(db);
    }
    const counts = await sql<{ days: number; records: number }>`
      select (select count(*) from checkin_days)::int as days,
             (select count(*) from health_records)::int as records`.execute(db);
    const { days, records } = counts.rows[0] ?? { days: 0, records: 0 };

    // The real app; the dashboard never talks to Temporal, so its client stays unconnected.
    const api = await serveOfflineApi(db, config);
    server = api.server;
    const base = api.base;
    const operatorKey = config.api.adminToken ?? '';
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { 'x-admin-token': operatorKey } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };

    const from14 = addDays(today, -13);
    const from90 = addDays(today, -89);
    const from180 = addDays(today, -(DAYS - 1));
    const subtree = await departmentScope(db, [1]);
    const cases: { endpoint: string; path: string; baseline: () => Promise<unknown> }[] = [
      {
        endpoint: 'today (totals)',
        path: '/api/dashboard/today',
        baseline: () => before0009.today(db, today),
      },
      {
        endpoint: 'heatmap, 14 days',
        path: '/api/dashboard/heatmap',
        baseline: () => before0009.heatmap(db, from14, today),
      },
      {
        endpoint: 'heatmap, 90 days',
        path: `/api/dashboard/heatmap?from=${from90}&to=${today}`,
        baseline: () => before0009.heatmap(db, from90, today),
      },
      {
        endpoint: 'trend, 14 days',
        path: '/api/dashboard/trend',
        baseline: () => before0009.trend(db, from14, today),
      },
      {
        endpoint: 'trend, 180 days',
        path: `/api/dashboard/trend?from=${from180}&to=${today}`,
        baseline: () => before0009.trend(db, from180, today),
      },
      {
        endpoint: 'non-submitters, everyone',
        path: '/api/dashboard/non-submitters',
        baseline: () => before0009.nonSubmitters(db, today, []),
      },
      {
        endpoint: `non-submitters, department 1 + ${subtree.length - 1} below`,
        path: '/api/dashboard/non-submitters?department=1',
        baseline: () => before0009.nonSubmitters(db, today, [1]),
      },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      const api = await measure(RUNS, () => get(c.path));
      const raw = await measure(BASELINE_RUNS, c.baseline, 1);
      log(
        `${c.endpoint}: p50 ${api.p50.toFixed(1)} ms, p95 ${api.p95.toFixed(1)} ms; baseline p95 ${raw.p95.toFixed(0)} ms`,
      );
      rows.push(
        `| ${c.endpoint} | ${api.p50.toFixed(1)} ms | ${api.p95.toFixed(1)} ms | ${raw.p50.toFixed(0)} ms | ${raw.p95.toFixed(0)} ms | ×${(raw.p50 / api.p50).toFixed(0)} |`,
      );
    }
    const section =
      `\n## Dashboard: ${EMPLOYEES} employees, ${DEPARTMENTS} departments, ${DAYS} days (${new Date().toISOString()})\n\n` +
      `Machine: ${machine()}; Postgres on the same host. ` +
      `${days} day rows, ${records} records; today 60% submitted, 39% pending.\n\n` +
      `Each endpoint ${RUNS}× over HTTP against the real app (\`department_day_stats\` kept by triggers, today's open days ` +
      `read along a partial index, ${200} at a time); baseline ${BASELINE_RUNS}× in-process (after one warm-up), the ` +
      `dashboard's queries before migration 0009: aggregates over the raw rows and the unpaged non-submitter list.\n\n` +
      `| endpoint | p50 | p95 | baseline p50 | baseline p95 | speed-up (p50) |\n|---|---|---|---|---|---|\n` +
      `${rows.join('\n')}\n\nTarget: every endpoint < 200 ms p95.\n`;
    appendFileSync(join(import.meta.dirname, 'RESULTS.md'), section);
    console.log(section);
  } finally {
    await new Promise((r) => (server ? server.close(() => r(null)) : r(null)));
    await db.destroy();
    if (!args.keep) await dropDatabase(DB_URL);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
