/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Portfolio holds as asked: the visibility query they covered and why, so the release signals the same accounts
 * (Temporal's batch operations keep their counts, not their query).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('portfolio_holds')
    .addColumn('hold_id', 'text', (c) => c.primaryKey())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('placed_by', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('released_by', 'text')
    .addColumn('released_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('portfolio_holds').execute();
}
