// A copy per database handle of one read the submission path makes on every request (the published
// form, the policy, the privacy notice and settings), kept a few seconds: a change saved through this
// process drops it at once (`forget`), one saved through another API instance is seen within `ms`.
import type { DB } from '../connect.ts';

export function readCache<T>(ms: number, load: (db: DB) => Promise<T>) {
  const entries = new WeakMap<DB, { until: number; value: Promise<T> }>();
  return {
    get(db: DB): Promise<T> {
      const hit = entries.get(db);
      if (hit && hit.until > Date.now()) return hit.value;
      const value = load(db);
      entries.set(db, { until: Date.now() + ms, value });
      // a failed read is not kept: the next request asks again
      value.catch(() => entries.delete(db));
      return value;
    },
    forget(db: DB): void {
      entries.delete(db);
    },
  };
}
