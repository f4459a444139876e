import { sql, type Kysely } from 'kysely';
import type { ContactAttemptStore } from '../../db/contact-attempt-store';
import type { Channel } from '../../workflows/engine/account';
import { openDatabase } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { createContactAttemptStore, getContactAttempt } from '../../db/repositories/contact-attempts';
import type { Database } from '../../db/schema';

/**
 * The real send-intent ledger (PostgreSQL via embedded PGlite, migrated), so the idempotency the activity promises is
 * checked against the same unique constraint and status rules production uses.
 */
export interface TestLedger {
  store: ContactAttemptStore;
  db: Kysely<Database>;
  /** Empties the ledger between tests that reuse a workflow id. */
  reset(): Promise<void>;
  /** The attempt row for an intent, with its status timeline. */
  find(workflowId: string, stepKey: string, channel: Channel): ReturnType<typeof getContactAttempt>;
  close(): Promise<void>;
}

export async function openTestLedger(): Promise<TestLedger> {
  const opened = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(opened.db);
  const db = opened.db;
  return {
    store: createContactAttemptStore(db),
    db,
    reset: async () => {
      await sql`truncate contact_attempts cascade`.execute(db);
    },
    find: async (workflowId, stepKey, channel) => {
      const row = await db
        .selectFrom('contact_attempts')
        .select('id')
        .where('workflow_id', '=', workflowId)
        .where('step_key', '=', stepKey)
        .where('channel', '=', channel)
        .executeTakeFirst();
      return row ? getContactAttempt(db, row.id) : undefined;
    },
    close: () => opened.close(),
  };
}
