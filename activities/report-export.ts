// Generating an export file for the reportExport workflow. The file is written under a temporary
// name and renamed when complete, so a retry after a worker crash still leaves exactly one file.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { sql } from 'kysely';
import { workDateAt } from '../domain/zoned-time.ts';
import { getPolicy } from '../db/repositories/policy.ts';
import { writeExcelReport } from '../reports/excel-report.ts';
import { buildPdfReport } from '../reports/pdf-report.ts';
import type { ActivityDeps } from './deps.ts';

export function exportFilePath(dir: string, id: number, format: string): string {
  return resolve(join(dir, `export-${id}.${format}`));
}

export function createExportActivities({ db, config }: ActivityDeps) {
  const dir = config.exports.dir;
  return {
    async generateExport(input: { exportId: number }): Promise<{ sizeBytes: number; records: number }> {
      const e = await db
        .selectFrom('exports')
        .selectAll()
        .where('id', '=', input.exportId)
        .executeTakeFirst();
      if (!e) throw ApplicationFailure.nonRetryable(`export ${input.exportId} not found`);
      await db
        .updateTable('exports')
        .set({ status: 'running', progress: 0 })
        .where('id', '=', e.id)
        .execute();
      await mkdir(dir, { recursive: true });
      const final = exportFilePath(dir, e.id, e.format);
      // Parts left by attempts that died are useless: start clean.
      const prefix = `export-${e.id}.${e.format}.`;
      for (const f of await readdir(dir))
        if (f.startsWith(prefix) && f.endsWith('.part')) await rm(join(dir, f), { force: true });
      const part = `${final}.${Context.current().info.attempt}.part`;
      const policy = await getPolicy(db);
      let records = 0;
      const ctx = Context.current();
      if (e.format === 'xlsx') {
        const out = createWriteStream(part);
        const r = await writeExcelReport(db, e.filter, policy.timeZone, out, (rows) => {
          ctx.heartbeat(rows);
          void db.updateTable('exports').set({ progress: rows }).where('id', '=', e.id).execute();
        });
        await finished(out);
        records = r.records;
      } else {
        const names = e.filter.departmentIds.length
          ? (
              await db
                .selectFrom('departments')
                .select('name')
                .where('id', 'in', e.filter.departmentIds)
                .execute()
            ).map((d) => d.name)
          : [];
        const generatedAt = `${workDateAt(new Date(), policy.timeZone)} (${policy.timeZone})`;
        await writeFile(part, await buildPdfReport(db, e.filter, { generatedAt, departmentNames: names }));
      }
      await rename(part, final);
      const { size } = await stat(final);
      await db
        .updateTable('exports')
        .set({
          status: 'done',
          progress: records,
          size_bytes: size,
          file_name: `health-report-${e.filter.from}-${e.filter.to}.${e.format}`,
          finished_at: sql`now()`,
          expires_at: sql`now() + make_interval(secs => ${config.exports.retentionMs / 1000})`,
        })
        .where('id', '=', e.id)
        .execute();
      return { sizeBytes: size, records };
    },

    async markExportFailed(input: { exportId: number; error: string }): Promise<void> {
      await db
        .updateTable('exports')
        .set({ status: 'failed', error: input.error.slice(0, 500) })
        .where('id', '=', input.exportId)
        .execute();
    },

    /** Removes the file after the retention period (and any parts a crashed attempt left). */
    async expireExport(input: { exportId: number }): Promise<void> {
      const e = await db
        .selectFrom('exports')
        .select(['id', 'format'])
        .where('id', '=', input.exportId)
        .executeTakeFirst();
      if (!e) return;
      const final = exportFilePath(dir, e.id, e.format);
      await rm(final, { force: true });
      await db.updateTable('exports').set({ status: 'expired' }).where('id', '=', e.id).execute();
    },

    retentionMs(): Promise<number> {
      return Promise.resolve(config.exports.retentionMs);
    },
  };
}
