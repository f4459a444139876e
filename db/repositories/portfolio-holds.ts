import { sql, type Kysely } from 'kysely';
import { withDatabaseErrors } from '../errors';
import type { Database } from '../schema';

export interface PortfolioHold {
  holdId: string;
  query: string;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedBy?: string;
  releasedAt?: string;
}

/** Records a hold as asked; asking again with the same id keeps the first record (its query is what was held). */
export async function recordHold(
  db: Kysely<Database>,
  h: { holdId: string; query: string; reason: string; actor: string }
): Promise<PortfolioHold> {
  return withDatabaseErrors(async () => {
    await db
      .insertInto('portfolio_holds')
      .values({ hold_id: h.holdId, query: h.query, reason: h.reason, placed_by: h.actor })
      .onConflict((oc) => oc.column('hold_id').doNothing())
      .execute();
    return (await getHold(db, h.holdId))!;
  });
}

export async function getHold(db: Kysely<Database>, holdId: string): Promise<PortfolioHold | undefined> {
  const row = await withDatabaseErrors(() =>
    db.selectFrom('portfolio_holds').selectAll().where('hold_id', '=', holdId).executeTakeFirst()
  );
  return (
    row && {
      holdId: row.hold_id,
      query: row.query,
      reason: row.reason,
      placedBy: row.placed_by,
      placedAt: row.placed_at.toISOString(),
      ...(row.released_by !== null && { releasedBy: row.released_by }),
      ...(row.released_at !== null && { releasedAt: row.released_at.toISOString() }),
    }
  );
}

export async function markReleased(db: Kysely<Database>, holdId: string, actor: string): Promise<void> {
  await withDatabaseErrors(() =>
    db
      .updateTable('portfolio_holds')
      .set({ released_by: actor, released_at: sql`now()` })
      .where('hold_id', '=', holdId)
      .where('released_at', 'is', null)
      .execute()
  );
}
