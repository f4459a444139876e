import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Runs `fn` in a transaction, or inside the caller's transaction when `db` already is one, so repository functions
 * compose: recordAccountChanges wraps several of them in one transaction.
 */
export function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids we generate are uuids; anything else cannot name a row, and must not reach PostgreSQL as a cast error. */
export const isUuid = (id: string): boolean => UUID.test(id);
