/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';

/**
 * The ladder snapshot an account was placed with (the whole ladder, not only its id and version). A workflow may be
 * started after placement, by the next payment's signal-with-start when the placement's own start never happened;
 * it must run the ladder the placement asked for, custom ladders included. Null for accounts placed before this
 * migration: their payments are signalled only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('ladder', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('ladder').execute();
}
