// Staff sessions ended by sign-out: the cookie is a signed token, so sign-out records its session
// id until the latest moment any cookie of that session could still be valid.
import type { DB } from '../connect.ts';

export async function revokeSession(db: DB, sid: string, until: Date): Promise<void> {
  await db
    .insertInto('revoked_sessions')
    .values({ sid, expires_at: until })
    .onConflict((oc) => oc.column('sid').doNothing())
    .execute();
  // the rows that can no longer match a valid cookie go as new ones arrive
  await db.deleteFrom('revoked_sessions').where('expires_at', '<', new Date()).execute();
}

export async function isSessionRevoked(db: DB, sid: string): Promise<boolean> {
  const row = await db.selectFrom('revoked_sessions').select('sid').where('sid', '=', sid).executeTakeFirst();
  return row !== undefined;
}
