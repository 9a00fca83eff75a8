// `npm run seed -- [N]`: migrates, seeds the demo organisation if empty, and adds N generated
// employees (up to 100k) for load work.
import { loadConfig } from '../config/config.ts';
import { createDb, ensureDatabase, migrateToLatest } from '../db/connect.ts';
import { seedDemoOrganisation, seedGeneratedEmployees } from '../db/seed.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';

async function main() {
  const count = Number(process.argv[2] ?? 0);
  if (!Number.isInteger(count) || count < 0 || count > 100_000) {
    throw new Error('usage: npm run seed -- [N]   (0 ≤ N ≤ 100000 generated employees)');
  }
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const db = withFieldKeys(createDb(config.databaseUrl), new FieldKeyring(config.fieldEncryption));
  await migrateToLatest(db);
  if (await seedDemoOrganisation(db)) console.log('seeded the demo organisation');
  if (count > 0) {
    const t = Date.now();
    const r = await seedGeneratedEmployees(db, count);
    console.log(`added ${count} employees in ${r.departmentIds.length} departments (${Date.now() - t} ms)`);
  }
  await db.destroy();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
