// Field encryption at rest: ciphertext columns beside the plaintext ones, and the key id of each
// row's ciphertexts. The plaintext columns lose NOT NULL: the application never writes them again,
// and `npm run rotate-keys` (also run at start-up for leftovers) seals existing rows and nulls them.
// Encryption itself is application code, which a migration must not import.
import { sql, type Kysely } from 'kysely';

const sealed: [table: string, columns: string[]][] = [
  ['health_records', ['answers_ct', 'reasons_ct']],
  ['employees', ['mobile_ct']],
  ['reviews', ['comment_ct']],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of sealed) {
    let alter = db.schema.alterTable(table).addColumn('key_id', 'text');
    for (const c of columns) alter = alter.addColumn(c, 'text');
    await alter.execute();
    // Rows not sealed yet (key_id null) are what start-up looks for: keep that question cheap.
    await db.schema
      .createIndex(`${table}_unsealed_idx`)
      .on(table)
      .column('id')
      .where(sql.ref('key_id'), 'is', null)
      .execute();
  }
  await sql`alter table health_records
    alter column answers drop not null,
    alter column reasons drop not null,
    alter column reasons drop default`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Sealed values are lost here; NOT NULL on answers stays off because sealed rows hold no plaintext.
  await sql`alter table health_records alter column reasons set default '[]'::jsonb`.execute(db);
  for (const [table, columns] of sealed) {
    await db.schema.dropIndex(`${table}_unsealed_idx`).execute();
    let alter = db.schema.alterTable(table).dropColumn('key_id');
    for (const c of columns) alter = alter.dropColumn(c);
    await alter.execute();
  }
}
