// `npm run migrate`: the one-shot before API and worker start (the compose `migrate` service):
// migrations to the latest version, then rows stored before field encryption are sealed.
// The database itself must exist (in compose, Postgres' init script creates it).
import { migrateToLatest } from '../db/connect.ts';
import { runScript } from '../platform/bootstrap.ts';
import { rotateFieldKeys } from '../security/key-rotation.ts';

runScript('migrate', async ({ keyring, openDb }) => {
  const db = await openDb({ poolSize: 2 });
  await migrateToLatest(db);
  console.log('migrations: up to date');
  for (const r of await rotateFieldKeys(db, keyring, { plaintextOnly: true })) {
    if (r.pending > 0) console.log(`${r.table}: sealed ${r.resealed} of ${r.pending} plaintext rows`);
    if (r.failed.length > 0)
      console.warn(`${r.table}: ${r.failed.length} rows did not open (npm run rotate-keys lists them)`);
  }
});
