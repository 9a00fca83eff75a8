// A random sample of stored ciphertexts per sealed column: the restore drill opens them with the
// configured keyring to prove a restored copy is readable.
import type { DB } from '../connect.ts';

export interface SealedSample {
  records: { id: number; answers_ct: string | null; reasons_ct: string | null }[];
  employees: { id: number; mobile_ct: string | null }[];
  reviews: { id: number; comment_ct: string | null }[];
}

export async function sampleSealedColumns(db: DB, sample: number): Promise<SealedSample> {
  const records = await db
    .selectFrom('health_records')
    .select(['id', 'answers_ct', 'reasons_ct'])
    .where('answers_ct', 'is not', null)
    .orderBy(({ fn }) => fn('random'))
    .limit(sample)
    .execute();
  const employees = await db
    .selectFrom('employees')
    .select(['id', 'mobile_ct'])
    .where('mobile_ct', 'is not', null)
    .orderBy(({ fn }) => fn('random'))
    .limit(sample)
    .execute();
  const reviews = await db
    .selectFrom('reviews')
    .select(['id', 'comment_ct'])
    .where('comment_ct', 'is not', null)
    .orderBy(({ fn }) => fn('random'))
    .limit(sample)
    .execute();
  return { records, employees, reviews };
}
