// `npm run rotate-keys [-- --batch-size N]`: re-seals every stored ciphertext whose key is not
// FIELD_ENCRYPTION_ACTIVE_KEY (and seals leftover plaintext), in batches; safe to interrupt and rerun.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { createDb, migrateToLatest } from '../db/connect.ts';
import { FieldKeyring } from '../security/field-crypto.ts';
import { withFieldKeys } from '../db/sealed-fields.ts';
import { rotateFieldKeys } from '../security/key-rotation.ts';

async function main() {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string', default: '500' } } });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error('--batch-size must be a positive integer');
  const config = loadConfig();
  const keyring = new FieldKeyring(config.fieldEncryption);
  const db = withFieldKeys(createDb(config.databaseUrl, 2), keyring);
  try {
    await migrateToLatest(db);
    console.log(
      `sealing with key "${keyring.activeKeyId}" (keyring: ${keyring.keyIds.join(', ')}), ${batchSize} rows per batch`,
    );
    const report = await rotateFieldKeys(db, keyring, { batchSize, log: (m) => console.log(m) });
    for (const r of report) {
      console.log(
        `${r.table}: ${r.pending} to do, ${r.resealed} re-sealed (${r.fromPlaintext} from plaintext), ${r.failed.length} failed` +
          (r.failed.length
            ? ` (ids ${r.failed.slice(0, 20).join(', ')}${r.failed.length > 20 ? ', …' : ''})`
            : ''),
      );
    }
    if (report.some((r) => r.failed.length > 0)) {
      console.error('some ciphertexts did not open (tampered, or sealed with a key no longer configured)');
      process.exitCode = 1;
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
