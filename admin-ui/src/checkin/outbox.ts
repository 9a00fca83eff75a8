// Submissions kept on the device (IndexedDB) until the server has them: each with its idempotency
// key and the time the employee pressed submit, so a resend is stored once and judged by that time.
import type { Problem } from '../problem-text.ts';

export interface IdentityProof {
  method: string;
  code?: string;
  token?: string;
}

export interface StoredRecord {
  id: number;
  work_date: string;
  submitted_at: string;
  severity: 'normal' | 'warning' | 'red';
  status: 'on_time' | 'late';
  reasons: { text: { zh: string; en: string } }[];
  answers: Record<string, unknown>;
}

export interface QueuedSubmission {
  idempotencyKey: string;
  employeeId: number;
  workDate: string;
  formVersion: number;
  answers: Record<string, unknown>;
  clientSubmittedAt: string;
  state: 'pending' | 'synced' | 'failed';
  record?: StoredRecord;
  error?: string;
  /** the problem's stable code, so the page can say it in the employee's language */
  errorCode?: string;
  /** the whole refusal (code, params, field issues), said again in whichever language is chosen */
  problem?: Problem;
  /**
   * Kept, not failed: the server wants the employee's consent to the privacy notice first. The page
   * shows the notice and sends it again (same key) once they consent.
   */
  blocked?: 'consent';
  /**
   * Kept, not failed: the server was busy (503 or 429 with Retry-After) and stored nothing. Resent
   * with the same key not before this time (ms since the epoch); the page says it will retry.
   */
  retryAt?: number;
}

const DB_NAME = 'health-checkin';
const STORE = 'submissions';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'idempotencyKey' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
  } finally {
    db.close();
  }
}

export const putSubmission = (s: QueuedSubmission) =>
  run('readwrite', (st) => st.put(s)).then(() => undefined);

export const allSubmissions = () => run('readonly', (st) => st.getAll() as IDBRequest<QueuedSubmission[]>);

/** This employee's submission for the day, if the device holds one. */
export async function submissionFor(employeeId: number, workDate: string) {
  const all = await allSubmissions();
  return all.find((s) => s.employeeId === employeeId && s.workDate === workDate);
}

/** Synced entries of earlier days are no longer needed on the device. */
export async function pruneSynced(today: string) {
  for (const s of await allSubmissions()) {
    if (s.state !== 'pending' && s.workDate < today)
      await run('readwrite', (st) => st.delete(s.idempotencyKey));
  }
}
