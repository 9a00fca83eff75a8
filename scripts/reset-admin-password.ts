// `npm run admin:reset-password [username]`: prints a new one-time password for a local account.
import { loadConfig } from '../config/config.ts';
import { createDb } from '../db/connect.ts';
import { resetLocalPassword } from '../api/auth/local-admin.ts';
import { generatePassword } from '../security/passwords.ts';

async function main() {
  const config = loadConfig();
  const username = process.argv[2] ?? config.auth.localAdmin.username;
  const db = createDb(config.databaseUrl, 1);
  try {
    const password = generatePassword();
    if (!(await resetLocalPassword(db, username, password))) throw new Error(`no local account ${username}`);
    console.log(`New password for ${username}: ${password}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
