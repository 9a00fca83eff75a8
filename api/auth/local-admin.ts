// The local admin account, created on first start: with LOCAL_ADMIN_PASSWORD, or with a generated
// one-time password that is printed once (only its scrypt hash is stored).
import type { AppConfig } from '../../config/config.ts';
import type { DB } from '../../db/connect.ts';
import { createLocalAccountIfAbsent, setLocalPasswordHash } from '../../db/repositories/access.ts';
import { generatePassword, hashPassword } from '../../security/passwords.ts';

export async function ensureLocalAdmin(
  db: DB,
  cfg: AppConfig['auth']['localAdmin'],
): Promise<{ created: boolean; generatedPassword?: string }> {
  const generated = cfg.password ? undefined : generatePassword();
  const password = cfg.password ?? generated ?? '';
  const created = await createLocalAccountIfAbsent(db, {
    username: cfg.username,
    passwordHash: await hashPassword(password),
    roles: cfg.roles,
  });
  return created && generated ? { created, generatedPassword: generated } : { created };
}

/** How a start-up announces the generated password: once, since only its hash is kept. */
export const oneTimePasswordNotice = (username: string, password: string) =>
  `${username} / ${password}  ← one-time password, shown only now (npm run admin:reset-password makes a new one)`;

/** Sets a new password (the reset command); returns false when the account does not exist. */
export async function resetLocalPassword(db: DB, username: string, password: string): Promise<boolean> {
  return setLocalPasswordHash(db, username, await hashPassword(password));
}
