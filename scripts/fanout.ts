// `npm run fanout -- [YYYY-MM-DD] [timeScale]`: starts the day for every active employee now
// (the same workflow the 00:05 schedule starts). Running it again for a date starts only the days
// nobody started yet (a new hire). Needs a running Temporal and worker (`npm start`).
import { loadConfig } from '../config/config.ts';
import { isValidDate } from '../domain/zoned-time.ts';
import { manualFanoutWorkflowId } from '../domain/workflow-ids.ts';
import { connectTemporal } from '../platform/temporal.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { dailyFanout } from '../workflows/daily-fanout.ts';

async function main() {
  const [workDate, scale] = process.argv.slice(2);
  if (workDate && !isValidDate(workDate)) throw new Error(`not a date: ${workDate} (expected YYYY-MM-DD)`);
  const timeScale = scale ? Number(scale) : undefined;
  const config = loadConfig();
  const address = config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
  const { client, connection } = await connectTemporal(
    address,
    config.temporal.namespace,
    new FieldKeyring(config.fieldEncryption),
  );
  const handle = await client.workflow.start(dailyFanout, {
    taskQueue: config.temporal.taskQueue,
    workflowId: manualFanoutWorkflowId(workDate, Date.now()),
    args: [{ workDate, timeScale }],
  });
  console.log(`started ${handle.workflowId}; waiting for it to finish…`);
  console.log(await handle.result());
  await connection.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
