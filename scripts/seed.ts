// `npm run seed -- [N]`: migrates, seeds the demo organisation if empty, and adds N generated
// employees (up to 100k) for load work.
import { migrateToLatest } from '../db/connect.ts';
import { seedDemoOrganisation, seedGeneratedEmployees } from '../db/seed.ts';
import { runScript, UsageError } from '../platform/bootstrap.ts';

runScript('seed', async ({ openDb }) => {
  const count = Number(process.argv[2] ?? 0);
  if (!Number.isInteger(count) || count < 0 || count > 100_000) {
    throw new UsageError('usage: npm run seed -- [N]   (0 ≤ N ≤ 100000 generated employees)');
  }
  const db = await openDb({ ensure: true });
  await migrateToLatest(db);
  if (await seedDemoOrganisation(db)) console.log('seeded the demo organisation');
  if (count > 0) {
    const t = Date.now();
    const r = await seedGeneratedEmployees(db, count);
    console.log(`added ${count} employees in ${r.departmentIds.length} departments (${Date.now() - t} ms)`);
  }
});
