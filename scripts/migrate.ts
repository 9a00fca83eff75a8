// `npm run migrate`: the one-shot before API and worker start (the compose `migrate` service):
// migrations to the latest version, then rows stored before field encryption are sealed.
// The database itself must exist (in compose, Postgres' init script creates it).
import { loadConfig } from '../config/config.ts';
import { createDb, migrateToLatest } from '../db/connect.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { rotateFieldKeys } from '../security/key-rotation.ts';

async function main() {
  const config = loadConfig();
  const keyring = new FieldKeyring(config.fieldEncryption);
  const db = withFieldKeys(createDb(config.databaseUrl, 2), keyring);
  try {
    await migrateToLatest(db);
    console.log('migrations: up to date');
    for (const r of await rotateFieldKeys(db, keyring, { plaintextOnly: true })) {
      if (r.pending > 0) console.log(`${r.table}: sealed ${r.resealed} of ${r.pending} plaintext rows`);
      if (r.failed.length > 0)
        console.warn(`${r.table}: ${r.failed.length} rows did not open (npm run rotate-keys lists them)`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
