// `npm run rotate-keys [-- --batch-size N]`: re-seals every stored ciphertext whose key is not
// FIELD_ENCRYPTION_ACTIVE_KEY (and seals leftover plaintext), in batches; safe to interrupt and rerun.
import { parseArgs } from 'node:util';
import { migrateToLatest } from '../db/connect.ts';
import { runScript, UsageError } from '../platform/bootstrap.ts';
import { rotateFieldKeys } from '../security/key-rotation.ts';

runScript('rotate-keys', async ({ keyring, openDb }) => {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string', default: '500' } } });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError('--batch-size must be a positive integer');
  const db = await openDb({ poolSize: 2 });
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
    return 1;
  }
});
