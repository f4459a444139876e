/* eslint-disable @typescript-eslint/no-explicit-any -- migrations take Kysely<any> so they never depend on app types */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * An inbound STOP is matched by phone against the accounts table, which each workflow writes; a placement whose
 * workflow has not written its row yet is found in the inbox instead, among the placements received lately. This
 * index keeps that lookup off the payments and opt-outs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('inbox_events_recent_placements_idx')
    .on('inbox_events')
    .columns(['received_at'])
    .where(sql.ref('kind'), '=', 'placement')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('inbox_events_recent_placements_idx').execute();
}
