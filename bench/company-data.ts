// A generated company for the benchmarks: N employees in ~300 departments × D days of check-ins.
// bench/dashboard.ts loads it set-based in Postgres (plaintext answers are not needed to read the
// dashboard); bench/restore.ts asks for `sealed`, where every row looks like the app's: answers
// drawn per employee and day, assessed by the form's rules (domain/anomaly), sealed with the
// keyring (AES-GCM in node, as the API does) and streamed through `psql \copy`; reviews for the
// abnormal records with sealed comments, an audit row per submission, decision and manager read,
// reminders for the late and missing days, sealed mobiles.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import type { DB } from '../db/connect.ts';
import { getPublishedForm } from '../db/repositories/forms.ts';
import { AAD, sealComment, sealMobile, sealRecordFields } from '../db/sealed-fields.ts';
import { evaluateAnswers } from '../domain/anomaly/evaluate.ts';
import type { FormDefinition } from '../domain/forms/form-definition.ts';
import { addDays } from '../domain/zoned-time.ts';
import { FieldKeyring } from '../security/field-crypto.ts';

export interface CompanyShape {
  employees: number;
  days: number;
  /** the last generated day (in progress: 60% submitted so far) */
  today: string;
  departments?: number;
  /** top-level departments; the rest hang below them, so a department filter covers a subtree */
  topLevel?: number;
  /** write the rows as the app does (sealed fields, reviews, audit, reminders); needs psql */
  sealed?: {
    keyring: FieldKeyring;
    /** the keyring's keys (the parts run in their own processes) */
    keys: ReadonlyMap<string, Buffer>;
    databaseUrl: string;
    /** processes sealing the records in parallel (default 2) */
    parts?: number;
  };
  log?: (message: string) => void;
}

async function timed<T>(log: (m: string) => void, label: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await fn();
  log(`${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return r;
}

/** Generates the company and its days into a migrated, empty database. */
export async function generateCompany(db: DB, shape: CompanyShape): Promise<void> {
  const { employees, days, today, sealed } = shape;
  const departments = shape.departments ?? 300;
  const topLevel = shape.topLevel ?? 30;
  const log = shape.log ?? (() => {});
  const first = addDays(today, -(days - 1));
  await sql`set synchronous_commit = off`.execute(db);
  await sql`set maintenance_work_mem = '512MB'`.execute(db);
  await timed(log, 'departments and employees', async () => {
    await sql`insert into departments (id, name, parent_id)
      select g, '部门' || g, case when g > ${topLevel} then 1 + (g % ${topLevel}) end
      from generate_series(1, ${departments}) g`.execute(db);
    await sql`select setval('departments_id_seq', ${departments})`.execute(db);
    await sql`insert into employees (dingtalk_user_id, dingtalk_union_id, name, department_id, mobile)
      select 'b' || g, case when ${!!sealed} then 'union-b' || g end, '员工' || g, 1 + (g % ${departments}),
             case when ${!sealed} then '139' || lpad(g::text, 8, '0') end
      from generate_series(1, ${employees}) g`.execute(db);
    if (sealed) await sealMobiles(db, employees, sealed.keyring);
  });
  // A bulk load with the triggers (and foreign-key checks) and secondary indexes off; the stats
  // and indexes are built after it.
  const dayIndexes = await dropSecondaryIndexes(db, 'checkin_days');
  await sql`alter table checkin_days disable trigger all`.execute(db);
  await sql`alter table health_records disable trigger all`.execute(db);
  await timed(log, `checkin_days (${employees} × ${days})`, () =>
    sql`insert into checkin_days
          (employee_id, work_date, department_id, outcome, level_reached, opens_at, closes_at, late_until, schedule)
        select e.id, d.day, e.department_id, o.outcome,
               case when o.outcome in ('pending', 'missed') then (e.id + d.n) % 4 else 0 end,
               d.day + time '00:00', d.day + time '08:00', d.day + time '16:00', '{}'::jsonb
        from employees e
        cross join (select ${first}::date + n as day, n from generate_series(0, ${days - 1}) n) d
        cross join lateral (select case
          -- today is in progress: 60% submitted so far, 39% pending, 1% on leave
          when d.day = ${today}::date then case when r < 0.60 then 'submitted' when r < 0.99 then 'pending' else 'exempt' end
          else case when r < 0.93 then 'submitted' when r < 0.95 then 'late' when r < 0.99 then 'missed' else 'exempt' end
        end as outcome from (select random() + (e.id + d.n) * 0 as r) x) o`.execute(db),
  );
  if (sealed) await sealedRecords(db, { ...shape, departments, log, sealed });
  else {
    await timed(log, 'health_records (one per submitted or late day)', () =>
      sql`insert into health_records
            (employee_id, department_id, work_date, submitted_at, answers, status, idempotency_key, severity)
          select c.employee_id, c.department_id, c.work_date, c.work_date + time '01:30',
                 '{"temperature":36.6,"healthCode":"green","hasSymptoms":false}'::jsonb,
                 case when c.outcome = 'late' then 'late' else 'on_time' end,
                 'k' || c.employee_id || '-' || c.work_date,
                 case when r < 0.005 then 'red' when r < 0.025 then 'warning' else 'normal' end
          from (select c.*, random() r from checkin_days c where outcome in ('submitted', 'late')) c`.execute(
        db,
      ),
    );
  }
  await sql`alter table checkin_days enable trigger all`.execute(db);
  await sql`alter table health_records enable trigger all`.execute(db);
  await timed(log, 'checkin_days indexes built again', async () => {
    for (const def of dayIndexes) await sql.raw(def).execute(db);
  });
  await timed(log, 'department_day_stats rebuilt', () =>
    sql`select department_day_stats_rebuild()`.execute(db),
  );
  await timed(log, 'analyze', () => sql`analyze`.execute(db));
}

/** Mobiles sealed the way the directory sync stores them (employees.mobile stays null). */
async function sealMobiles(db: DB, employees: number, keyring: FieldKeyring) {
  for (let from = 1; from <= employees; from += 5000) {
    const ids = Array.from({ length: Math.min(5000, employees - from + 1) }, (_, i) => from + i);
    const cts = ids.map((id) => sealMobile(`139${String(id).padStart(8, '0')}`, keyring).mobile_ct as string);
    await sql`update employees e set mobile_ct = v.ct, key_id = ${keyring.activeKeyId}
      from unnest(${ids}::int[], ${cts}::text[]) v(id, ct) where e.id = v.id`.execute(db);
  }
}

/** COPY text format: backslash, tab and line breaks escaped; null as \N. */
const field = (v: string | number | boolean | null | undefined): string =>
  v === null || v === undefined
    ? '\\N'
    : typeof v === 'string'
      ? v.replace(/[\\\t\n\r]/g, (c) =>
          c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
        )
      : String(v);

/** `psql` running one COPY; write rows with `row()`, then `end()`. */
function copyInto(url: string, table: string, columns: string[]) {
  const child = spawn(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${table} (${columns.join(', ')}) from stdin`, url],
    {
      stdio: ['pipe', 'inherit', 'pipe'],
      env: { ...process.env, PGOPTIONS: '-c synchronous_commit=off' },
    },
  );
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`copy into ${table} exited ${code}: ${stderr.trim()}`)),
    );
  });
  done.catch(() => {}); // awaited in end(); a failure also surfaces through the write
  const stdin = child.stdin;
  let buffer: string[] = [];
  let size = 0;
  return {
    rows: 0,
    async row(values: (string | number | boolean | null | undefined)[]) {
      this.rows++;
      const line = values.map(field).join('\t') + '\n';
      buffer.push(line);
      size += line.length;
      if (size > 1 << 20) await this.flush();
    },
    async flush() {
      if (!buffer.length) return;
      const chunk = buffer.join('');
      buffer = [];
      size = 0;
      if (!stdin.write(chunk)) await Promise.race([once(stdin, 'drain'), done]);
    },
    async end() {
      await this.flush();
      stdin.end();
      await done;
    },
  };
}

/** Streams the output of a `copy (select …) to stdout` line by line, fields split. */
async function* copyOut(url: string, query: string): AsyncGenerator<string[]> {
  const child = spawn(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${query}) to stdout`, url],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  for await (const line of createInterface({ input: child.stdout })) yield line.split('\t');
  const code = await closed;
  if (code !== 0) throw new Error(`copy out exited ${code}`);
}

/** Secondary indexes (not backing a constraint): dropped before a bulk load, built again after. */
async function dropSecondaryIndexes(db: DB, table: string): Promise<string[]> {
  const r = await sql<{ name: string; def: string }>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
     where i.schemaname = 'public' and i.tablename = ${table}
       and not exists (select 1 from pg_constraint c where c.conindid = (quote_ident(i.indexname))::regclass)`.execute(
    db,
  );
  for (const { name } of r.rows) await sql`drop index ${sql.id(name)}`.execute(db);
  return r.rows.map((x) => x.def);
}

// A small fast PRNG (mulberry32): the answers need variety, not cryptographic randomness.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYMPTOMS = ['fever', 'cough', 'fatigue', 'sore_throat', 'diarrhoea', 'smell_taste'];
const MEDICATION = ['布洛芬', '连花清瘟', '对乙酰氨基酚', '感冒灵颗粒'];
const REMARKS = ['在家办公', '昨晚睡眠不好', '出差返回', '已预约复查', '家人发热，已隔离'];
const COMMENTS = [
  '已电话确认，居家观察一天',
  '复测体温正常',
  '请明早再测一次',
  '已通知 HR',
  '症状轻微，可到岗',
];
const USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 AliApp(DingTalk/7.6.0) DingTalk/7.6.0',
  'Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0 Mobile Safari/537.36 AliApp(DingTalk/7.5.30) DingTalk/7.5.30',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 DingTalk(7.6.0)',
];

/** One employee's answers for a day: mostly well, a fever, a yellow code or symptoms now and then. */
function answersFor(rand: () => number, employeeId: number): Record<string, unknown> {
  const r = rand();
  const temperature = +(
    r < 0.003 ? 38 + rand() * 1.2 : r < 0.018 ? 37.3 + rand() * 0.6 : 36.0 + rand() * 1.2
  ).toFixed(1);
  const c = rand();
  const healthCode = c < 0.002 ? 'red' : c < 0.007 ? 'yellow' : 'green';
  const hasSymptoms = rand() < 0.02;
  const a: Record<string, unknown> = { temperature, healthCode, hasSymptoms };
  if (hasSymptoms || temperature >= 37.3) {
    a.symptoms = SYMPTOMS.filter(() => rand() < 0.3).slice(0, 3);
  }
  a.vaccinationDoses = 1 + (employeeId % 4);
  a.nucleicAcid = rand() < 0.6 ? 'negative' : 'not_tested';
  a.travel14d = employeeId % 23 === 0;
  if (rand() < 0.03) a.medication = MEDICATION[Math.floor(rand() * MEDICATION.length)];
  if (rand() < 0.05) a.remarks = REMARKS[Math.floor(rand() * REMARKS.length)];
  return a;
}

/** Two-digit zero padding for times. */
const p2 = (n: number) => String(n).padStart(2, '0');

/** Record columns the parts write (id from the sequence, answers and reasons only sealed). */
const RECORD_COLUMNS = [
  'employee_id',
  'department_id',
  'work_date',
  'submitted_at',
  'client_submitted_at',
  'status',
  'idempotency_key',
  'created_at',
  'form_version',
  'severity',
  'key_id',
  'answers_ct',
  'reasons_ct',
  'request_hash',
];

/**
 * One part of the records (the employees with id % parts = part), in its own process so the parts
 * seal in parallel: answers drawn, assessed by the form's field rules, sealed, streamed in.
 */
export async function writeRecordPart(opts: {
  url: string;
  keyring: FieldKeyring;
  formVersion: number;
  definition: FormDefinition;
  part: number;
  parts: number;
}) {
  const { url, keyring, definition, part, parts } = opts;
  const rand = prng(20261201 + part);
  const records = copyInto(url, 'health_records', RECORD_COLUMNS);
  try {
    for await (const [e, d, workDate, outcome] of copyOut(
      url,
      `select employee_id, department_id, work_date, outcome from checkin_days
        where outcome in ('submitted', 'late') and employee_id % ${parts} = ${part}`,
    )) {
      const employeeId = Number(e);
      const late = outcome === 'late';
      // on time between 07:00 and 09:59 in Shanghai; late ones after the 08:00 close
      const h = late ? 9 + Math.floor(rand() * 6) : 7 + Math.floor(rand() * 3);
      const at = `${workDate} ${p2(h)}:${p2(Math.floor(rand() * 60))}:${p2(Math.floor(rand() * 60))}.${String(Math.floor(rand() * 1000)).padStart(3, '0')}+08`;
      const answers = answersFor(rand, employeeId);
      const { severity, reasons } = evaluateAnswers(definition, answers);
      const key = randomUUID();
      const sealedFields = sealRecordFields({ answers, reasons }, keyring);
      await records.row([
        employeeId,
        Number(d),
        workDate,
        at,
        rand() < 0.01 ? at : null, // an offline resend names when it was pressed
        late ? 'late' : 'on_time',
        key,
        at,
        opts.formVersion,
        severity,
        sealedFields.key_id,
        sealedFields.answers_ct,
        sealedFields.reasons_ct,
        createHash('sha256').update(key).update(JSON.stringify(answers)).digest('hex'),
      ]);
    }
  } finally {
    await records.end();
  }
  return records.rows;
}

/** Runs writeRecordPart in a child process (this file, with the same loader flags). */
function recordPartProcess(args: {
  url: string;
  keys: [string, string][];
  activeKeyId: string;
  formVersion: number;
  definition: FormDefinition;
  part: number;
  parts: number;
}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, 'record-part'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Number(out.trim().split('\n').pop()))
        : reject(new Error(`record part exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(args));
  });
}

/** Records, reviews, the audit trail and reminders, as the app writes them (see the file header). */
async function sealedRecords(
  db: DB,
  shape: CompanyShape & {
    departments: number;
    log: (m: string) => void;
    sealed: { keyring: FieldKeyring; databaseUrl: string; keys: ReadonlyMap<string, Buffer>; parts?: number };
  },
) {
  const { keyring, databaseUrl: url } = shape.sealed;
  const { log, departments, today } = shape;
  const parts = shape.sealed.parts ?? 2;
  const first = addDays(today, -(shape.days - 1));
  const form = await getPublishedForm(db); // publishes the default form as version 1
  const definition = form.definition;
  // the department's first member decides its reviews
  const deciderOf = (dept: number) => (dept === 1 ? departments : dept - 1);
  const indexes = {
    health_records: await dropSecondaryIndexes(db, 'health_records'),
    reviews: await dropSecondaryIndexes(db, 'reviews'),
    audit_log: await dropSecondaryIndexes(db, 'audit_log'),
  };
  const records = await timed(
    log,
    `health_records (sealed in node, ${parts} processes, \\copy)`,
    async () => {
      const n = await Promise.all(
        Array.from({ length: parts }, (_, part) =>
          recordPartProcess({
            url,
            keys: [...shape.sealed.keys].map(([k, v]) => [k, v.toString('base64')]),
            activeKeyId: keyring.activeKeyId,
            formVersion: form.version,
            definition,
            part,
            parts,
          }),
        ),
      );
      return n.reduce((a, b) => a + b, 0);
    },
  );
  log(`${records} records`);

  await timed(log, 'audit: a row per submission (as the check-in writes it with the record)', () =>
    sql`insert into audit_log (at, actor, actor_roles, action, outcome, status, ip, user_agent, request_id)
      select h.submitted_at, 'employee:' || h.employee_id, '{employee}', 'POST /api/me/checkins', 'success', 201,
             '10.' || h.employee_id % 250 || '.' || (h.employee_id / 250) % 250 || '.' || 1 + h.employee_id % 200,
             (array[${USER_AGENTS[0]}, ${USER_AGENTS[1]}, ${USER_AGENTS[2]}])[1 + h.employee_id % 3],
             gen_random_uuid()::text
        from health_records h`.execute(db),
  );

  // a review per abnormal record: today's still open, earlier ones decided by the manager
  await sql`alter table reviews disable trigger all`.execute(db);
  const reviews = copyInto(url, 'reviews', [
    'record_id',
    'current_record_id',
    'employee_id',
    'department_id',
    'work_date',
    'severity',
    'status',
    'escalated',
    'decider_id',
    'decision',
    'decided_at',
    'history',
    'created_at',
    'updated_at',
    'key_id',
    'comment_ct',
  ]);
  const rand = prng(1201);
  await timed(log, 'reviews (comments sealed in node, \\copy)', async () => {
    try {
      for await (const [rid, e, d, workDate, severity, at] of copyOut(
        url,
        `select id, employee_id, department_id, work_date, severity, submitted_at from health_records
          where severity <> 'normal' order by id`,
      )) {
        const id = Number(rid);
        const dept = Number(d);
        const decider = deciderOf(dept);
        const opened = { at, event: 'opened', recordId: id, severity };
        const notified = { at, event: 'notified_manager', to: [decider], via: 'manager' };
        const common = [id, id, Number(e), dept, workDate, severity];
        if (workDate === today) {
          await reviews.row([
            ...common,
            'pending',
            false,
            null,
            null,
            null,
            JSON.stringify([opened, notified]),
            at,
            at,
            keyring.activeKeyId,
            null,
          ]);
          continue;
        }
        const decision = rand() < 0.95 ? 'approve' : 'reject';
        const comment = rand() < 0.7 ? (COMMENTS[Math.floor(rand() * COMMENTS.length)] as string) : null;
        const decidedAt = `${workDate} ${p2(10 + Math.floor(rand() * 8))}:${p2(Math.floor(rand() * 60))}:00+08`;
        const decided = {
          at: decidedAt,
          event: 'decision',
          actorId: decider,
          decision,
          ...(comment ? { comment: keyring.encryptText(comment, AAD.historyComment) } : {}),
        };
        await reviews.row([
          ...common,
          decision === 'approve' ? 'approved' : 'rejected',
          false,
          decider,
          decision,
          decidedAt,
          JSON.stringify([opened, notified, decided]),
          at,
          decidedAt,
          keyring.activeKeyId,
          sealComment(comment, keyring),
        ]);
      }
    } finally {
      await reviews.end();
    }
  });
  await sql`alter table reviews enable trigger all`.execute(db);
  log(`${reviews.rows} reviews`);

  await timed(log, "audit: the managers' decisions, and their reads (3 a department a day)", async () => {
    await sql`insert into audit_log (at, actor, actor_roles, action, target_type, target_id, outcome, status, ip,
                                     user_agent, request_id, department_id)
      select r.decided_at, 'employee:' || r.decider_id, '{employee,manager}', 'POST /api/reviews/' || r.id || '/decision',
             'review', r.id::text, 'success', 202, '10.0.0.' || r.department_id % 250, ${USER_AGENTS[2]},
             gen_random_uuid()::text, r.department_id
        from reviews r where r.decided_at is not null`.execute(db);
    await sql`insert into audit_log (at, actor, actor_roles, action, target_type, outcome, status, ip, user_agent,
                                     request_id, detail, department_id)
      select d.day + time '10:00' + (k * interval '2 hours'),
             'employee:' || (case when dep = 1 then ${departments} else dep - 1 end),
             '{employee,manager}', 'GET /api/ra/records', 'records', 'success', 200, '10.0.0.' || dep % 250,
             ${USER_AGENTS[2]}, gen_random_uuid()::text,
             jsonb_build_object('subjects', (select jsonb_agg(dep + ${departments} * s) from generate_series(0, 24) s)),
             dep
        from generate_series(1, ${departments}) dep
       cross join (select ${first}::date + n as day from generate_series(0, ${shape.days - 1}) n) d
       cross join generate_series(0, 2) k`.execute(db);
  });
  await timed(log, 'reminders_sent (every level reached on the late and missing days)', () =>
    sql`insert into reminders_sent (employee_id, work_date, level, department_id, channel, status, batch_key,
                                    external_id, claimed_at, sent_at, delivery, delivery_checked_at)
      select c.employee_id, c.work_date, l, c.department_id, 'work_notification', 'sent',
             c.work_date || ':' || l || ':' || c.department_id, 'task-' || c.employee_id || '-' || c.work_date || '-' || l,
             c.work_date + time '00:00' + l * interval '1 hour', c.work_date + time '00:00' + l * interval '1 hour' + interval '3 seconds',
             case when (c.employee_id + l) % 3 = 0 then 'unread' else 'read' end,
             c.work_date + time '00:00' + l * interval '1 hour' + interval '10 minutes'
        from checkin_days c
       cross join lateral generate_series(1, greatest(c.level_reached, 1)) l
       where c.outcome in ('late', 'missed') or (c.outcome = 'pending' and c.level_reached > 0)`.execute(db),
  );
  await timed(log, 'secondary indexes built again', async () => {
    for (const def of [...indexes.health_records, ...indexes.reviews, ...indexes.audit_log]) {
      await sql.raw(def).execute(db);
    }
  });
}

// `node … bench/company-data.ts record-part` with the part's JSON on stdin (recordPartProcess).
if (process.argv[2] === 'record-part' && process.argv[1] === import.meta.filename) {
  let input = '';
  process.stdin.on('data', (b: Buffer) => (input += b.toString()));
  process.stdin.on('end', () => {
    const a = JSON.parse(input) as Parameters<typeof recordPartProcess>[0];
    const keyring = new FieldKeyring({
      activeKeyId: a.activeKeyId,
      keys: new Map(a.keys.map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    });
    writeRecordPart({ ...a, keyring }).then(
      (n) => console.log(n),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
