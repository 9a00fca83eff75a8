// Benchmark: what the department_day_stats triggers (migration 0009) cost the writes of a day —
// the fan-out planning day rows in pages, submissions inserting records one by one from concurrent
// connections, and the close marking the rest missed — against the same writes with the triggers
// disabled, measured in the same run, alternating the two so machine noise hits both.
// `npm run bench:stats-triggers -- [--employees N] [--rounds N]`; figures are appended to bench/RESULTS.md.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../config/config.ts';
import { createDb, dropDatabase, ensureDatabase, migrateToLatest, type DB } from '../db/connect.ts';
import { closeDayAsMissed, insertDaysIfAbsent } from '../db/repositories/checkin-days.ts';
import { dayStats } from '../db/repositories/dashboard.ts';
import { insertRecord } from '../db/repositories/records.ts';
import { addDays } from '../domain/zoned-time.ts';
import type { DaySchedule } from '../domain/day-schedule.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { machine } from './machine.ts';

const { values: args } = parseArgs({
  options: {
    employees: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '2' },
  },
});
const EMPLOYEES = Number(args.employees);
const ROUNDS = Number(args.rounds);
const DEPARTMENTS = 100;
/** the fan-out's page size */
const PAGE = 500;
/** concurrent connections submitting (the API's pool size) */
const CONCURRENCY = 10;
/** share of the employees who submit; the rest are closed as missed */
const SUBMITTING = 0.9;
const DB_URL = 'postgres://postgres@127.0.0.1:5432/hc_bench_stats_triggers';
const TRIGGERS = [
  'checkin_days_dds_insert',
  'checkin_days_dds_update',
  'checkin_days_dds_delete',
  'health_records_dds_insert',
  'health_records_dds_update',
  'health_records_dds_delete',
];

const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

async function setTriggers(db: DB, on: boolean) {
  for (const t of TRIGGERS) {
    const table = t.startsWith('checkin_days') ? 'checkin_days' : 'health_records';
    await sql`alter table ${sql.table(table)} ${sql.raw(on ? 'enable' : 'disable')} trigger ${sql.raw(t)}`.execute(
      db,
    );
  }
}

/** Runs `fn` over `items` from `n` workers at once. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

interface DayTimes {
  plan: number;
  submit: number;
  close: number;
}

/** One work day's writes for everybody, as the fan-out, the API and the workflows make them. */
async function runDay(db: DB, workDate: string, employees: { id: number; department_id: number }[]) {
  const schedule: DaySchedule = {
    workDate,
    timeZone: 'Asia/Shanghai',
    opensAt: `${workDate}T00:00:00.000Z`,
    closesAt: `${workDate}T08:00:00.000Z`,
    lateUntil: `${workDate}T16:00:00.000Z`,
    reminders: [],
    timeScale: 1,
    dingPhoneCall: false,
    batchWindowMs: 0,
  };
  const pages = Array.from({ length: Math.ceil(employees.length / PAGE) }, (_, i) =>
    employees.slice(i * PAGE, (i + 1) * PAGE),
  );
  const submitting = employees.slice(0, Math.round(employees.length * SUBMITTING));
  const missing = employees.slice(submitting.length);
  const times: DayTimes = {
    plan: await seconds(() =>
      pool(pages, 4, (page) =>
        insertDaysIfAbsent(
          db,
          page.map((e) => ({ employeeId: e.id, departmentId: e.department_id, schedule })),
        ),
      ),
    ),
    submit: await seconds(() =>
      pool(submitting, CONCURRENCY, (e) =>
        db.transaction().execute(async (trx) => {
          const r = await insertRecord(trx, {
            employee_id: e.id,
            department_id: e.department_id,
            work_date: workDate,
            submitted_at: new Date(),
            status: 'on_time',
            idempotency_key: `b-${e.id}-${workDate}`,
            severity: e.id % 50 === 0 ? 'warning' : 'normal',
            answers: { temperature: 36.6, healthCode: 'green', hasSymptoms: false },
            reasons: [],
          });
          await trx
            .updateTable('checkin_days')
            .set({ outcome: 'submitted' })
            .where('employee_id', '=', e.id)
            .where('work_date', '=', workDate)
            .execute();
          return r;
        }),
      ),
    ),
    close: await seconds(() => pool(missing, CONCURRENCY, (e) => closeDayAsMissed(db, e.id, workDate))),
  };
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  const config = loadConfig();
  await dropDatabase(DB_URL);
  await ensureDatabase(DB_URL);
  const db = withFieldKeys(createDb(DB_URL, CONCURRENCY + 2), new FieldKeyring(config.fieldEncryption));
  try {
    await migrateToLatest(db);
    await sql`insert into departments (id, name) select g, '部门' || g from generate_series(1, ${DEPARTMENTS}) g`.execute(
      db,
    );
    await sql`select setval('departments_id_seq', ${DEPARTMENTS})`.execute(db);
    await sql`insert into employees (dingtalk_user_id, name, department_id)
      select 'b' || g, '员工' || g, 1 + (g % ${DEPARTMENTS}) from generate_series(1, ${EMPLOYEES}) g`.execute(
      db,
    );
    const employees = await db
      .selectFrom('employees')
      .select(['id', 'department_id'])
      .orderBy('id')
      .execute();

    const runs: Record<'on' | 'off', DayTimes[]> = { on: [], off: [] };
    let day = '2026-03-02';
    // A warm-up day (not counted), then on/off alternately, each on a fresh work date.
    for (const variant of [
      'warm-up',
      ...Array.from({ length: ROUNDS }, () => ['off', 'on'] as const).flat(),
    ]) {
      const on = variant !== 'off';
      await setTriggers(db, on);
      const t = await runDay(db, day, employees);
      log(
        `${variant} ${day}: plan ${t.plan.toFixed(2)} s, submit ${t.submit.toFixed(2)} s, close ${t.close.toFixed(2)} s`,
      );
      if (variant !== 'warm-up') runs[on ? 'on' : 'off'].push(t);
      if (on) {
        // The kept figures must equal the recount for a day written with the triggers on.
        const range = { from: day, to: day };
        const kept = JSON.stringify(await dayStats(db, range, 'all'));
        if (kept !== JSON.stringify(await dayStats(db, range, 'all', 'recount')))
          throw new Error(`department_day_stats differ from the recount for ${day}`);
      }
      day = addDays(day, 1);
    }

    const row = (label: string, k: keyof DayTimes, n: number) => {
      const off = median(runs.off.map((r) => r[k]));
      const on = median(runs.on.map((r) => r[k]));
      return `| ${label} | ${off.toFixed(2)} s (${Math.round(n / off)}/s) | ${on.toFixed(2)} s (${Math.round(n / on)}/s) | ${(((on - off) / off) * 100).toFixed(0)}% |`;
    };
    const submitting = Math.round(EMPLOYEES * SUBMITTING);
    const section =
      `\n## Stats triggers: write cost of a day for ${EMPLOYEES} employees (${new Date().toISOString()})\n\n` +
      `Machine: ${machine()}; Postgres on the same host. ` +
      `Median of ${ROUNDS} days per variant, alternating, after a warm-up day. Baseline: the same writes with the six ` +
      `\`*_dds_*\` triggers disabled. Plan = \`insertDaysIfAbsent\` in pages of ${PAGE}, 4 at a time (the fan-out); ` +
      `submit = a transaction per person inserting the sealed record and marking the day (${CONCURRENCY} connections); ` +
      `close = \`closeDayAsMissed\` per remaining person (${CONCURRENCY} connections).\n\n` +
      `| write | triggers off (baseline) | triggers on | cost |\n|---|---|---|---|\n` +
      `${row(`plan ${EMPLOYEES} day rows`, 'plan', EMPLOYEES)}\n` +
      `${row(`submit ${submitting} records`, 'submit', submitting)}\n` +
      `${row(`close ${EMPLOYEES - submitting} days as missed`, 'close', EMPLOYEES - submitting)}\n`;
    appendFileSync(join(import.meta.dirname, 'RESULTS.md'), section);
    console.log(section);
  } finally {
    await db.destroy();
    await dropDatabase(DB_URL);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
