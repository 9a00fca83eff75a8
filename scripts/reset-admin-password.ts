// `npm run admin:reset-password [username]`: prints a new one-time password for a local account.
import { resetLocalPassword } from '../api/auth/local-admin.ts';
import { runScript, UsageError } from '../platform/bootstrap.ts';
import { generatePassword } from '../security/passwords.ts';

runScript('reset-admin-password', async ({ config, openDb }) => {
  const username = process.argv[2] ?? config.auth.localAdmin.username;
  const db = await openDb({ poolSize: 1 });
  const password = generatePassword();
  if (!(await resetLocalPassword(db, username, password)))
    throw new UsageError(`no local account ${username}`);
  console.log(`New password for ${username}: ${password}`);
});
