// `npm run fanout -- [YYYY-MM-DD] [timeScale]`: starts the day for every active employee now
// (the same workflow the 00:05 schedule starts). Running it again for a date starts only the days
// nobody started yet (a new hire). Needs a running Temporal and worker (`npm start`).
import { isValidDate } from '../domain/zoned-time.ts';
import { manualFanoutWorkflowId } from '../domain/workflow-ids.ts';
import { runScript, UsageError } from '../platform/bootstrap.ts';
import { dailyFanout } from '../workflows/daily-fanout.ts';

runScript('fanout', async ({ config, openTemporal }) => {
  const [workDate, scale] = process.argv.slice(2);
  if (workDate && !isValidDate(workDate))
    throw new UsageError(`not a date: ${workDate} (expected YYYY-MM-DD)`);
  const timeScale = scale ? Number(scale) : undefined;
  const { client } = await openTemporal();
  const handle = await client.workflow.start(dailyFanout, {
    taskQueue: config.temporal.taskQueue,
    workflowId: manualFanoutWorkflowId(workDate, Date.now()),
    args: [{ workDate, timeScale }],
  });
  console.log(`started ${handle.workflowId}; waiting for it to finish…`);
  console.log(await handle.result());
});
