// Generating an export file for the reportExport workflow. The file is written under a temporary
// name (owner-only: it holds health data) and renamed when complete, so a retry after a worker
// crash still leaves exactly one file.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  findExport,
  markExportDone,
  markExportExpired,
  markExportFailed as saveExportFailure,
  markExportRunning,
  setExportProgress,
} from '../db/repositories/exports.ts';
import { exportFilePath, writeReport } from '../reports/report-file.ts';
import { exportDuration } from '../platform/metrics.ts';
import type { ActivityDeps } from './deps.ts';

export function createExportActivities({ db, config, logger }: ActivityDeps) {
  const dir = config.exports.dir;

  /** Writes the file under a temporary name and marks the export done (one attempt). */
  async function writeExportFile(e: NonNullable<Awaited<ReturnType<typeof findExport>>>) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const final = exportFilePath(dir, e.id, e.format);
    // Parts left by attempts that died are useless: start clean.
    const prefix = `${basename(final)}.`;
    for (const f of await readdir(dirname(final)))
      if (f.startsWith(prefix) && f.endsWith('.part')) await rm(join(dir, f), { force: true });
    const ctx = Context.current();
    const part = `${final}.${ctx.info.attempt}.part`;
    const out = createWriteStream(part, { mode: 0o600 });
    // Progress is saved in order, one update at a time, and settled before the export is done.
    let saving = Promise.resolve();
    const { records } = await writeReport(
      db,
      { ...e, exportedBy: e.requested_by, purpose: e.purpose },
      out,
      (rows) => {
        ctx.heartbeat(rows);
        saving = saving
          .then(() => setExportProgress(db, e.id, rows))
          .catch((err: unknown) => logger.warn({ err, exportId: e.id }, 'export progress not saved'));
      },
    );
    await saving;
    await rename(part, final);
    const { size } = await stat(final);
    await markExportDone(db, e.id, { records, sizeBytes: size, retentionMs: config.exports.retentionMs });
    return { sizeBytes: size, records };
  }

  return {
    async generateExport(input: { exportId: number }): Promise<{ sizeBytes: number; records: number }> {
      const e = await findExport(db, input.exportId);
      if (!e) throw ApplicationFailure.nonRetryable(`export ${input.exportId} not found`);
      await markExportRunning(db, e.id);
      // one observation per attempt: a failed attempt counts as failed, its retry on its own
      const end = exportDuration.startTimer({ format: e.format, mode: 'workflow' });
      try {
        const done = await writeExportFile(e);
        end({ outcome: 'done' });
        return done;
      } catch (err) {
        end({ outcome: 'failed' });
        throw err;
      }
    },

    async markExportFailed(input: { exportId: number; error: string }): Promise<void> {
      await saveExportFailure(db, input.exportId, input.error);
    },

    /** Removes the file after the retention period (and any parts a crashed attempt left). */
    async expireExport(input: { exportId: number }): Promise<void> {
      const e = await findExport(db, input.exportId);
      if (!e) return;
      await rm(exportFilePath(dir, e.id, e.format), { force: true });
      await markExportExpired(db, e.id);
    },

    retentionMs(): Promise<number> {
      return Promise.resolve(config.exports.retentionMs);
    },
  };
}
