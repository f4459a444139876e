import { sql, type Kysely } from 'kysely';
import { withDatabaseErrors } from '../errors';
import type { Database } from '../schema';

export interface AssignmentInput {
  accountId: string;
  ladder: { id: string; version: number };
  by: 'placement' | 'segment' | 'default';
  segmentId?: string;
  revision?: number;
  arm?: number;
  reason: string;
}

/** Records how an account's ladder was chosen; the first record wins (the one its workflow was started with). */
export async function recordAssignment(db: Kysely<Database>, a: AssignmentInput): Promise<void> {
  await withDatabaseErrors(() =>
    db
      .insertInto('account_assignments')
      .values({
        account_id: a.accountId,
        ladder_id: a.ladder.id,
        ladder_version: a.ladder.version,
        assigned_by: a.by,
        segment_id: a.segmentId ?? null,
        segment_revision: a.revision ?? null,
        arm: a.arm ?? null,
        reason: a.reason,
      })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute()
  );
}

/** Outcomes of the accounts placed on one ladder version (and, for a split, one segment revision's arm). */
export interface StrategyOutcomes {
  ladderId: string;
  ladderVersion: number;
  segmentId: string | null;
  revision: number | null;
  arm: number | null;
  placed: number;
  /** Closed paid, overpaid or settled. */
  recovered: number;
  /** Accounts with any opt-out or cease request. */
  optedOut: number;
  /** Accounts with a provider complaint (an email spam report, a carrier complaint). */
  complaints: number;
  promisesKept: number;
  promisesBroken: number;
  /** Messages providers accepted for the accounts that were recovered. */
  contactsToRecovered: number;
  recoveredAmount: { currency: string; amountMinor: number }[];
}

interface Filter {
  segmentId?: string;
  revision?: number;
  ladderId?: string;
}

const where = (f: Filter) =>
  sql.join(
    [
      sql`true`,
      ...(f.segmentId !== undefined ? [sql`a.segment_id = ${f.segmentId}`] : []),
      ...(f.revision !== undefined ? [sql`a.segment_revision = ${f.revision}`] : []),
      ...(f.ladderId !== undefined ? [sql`a.ladder_id = ${f.ladderId}`] : []),
    ],
    sql` and `
  );

/**
 * Outcomes grouped by ladder version, segment revision and arm, read from what the workflows recorded (accounts,
 * opt-outs, promises, contact attempts, payments). One scan per call; the KPI route and the guard-rails call it.
 */
export async function strategyOutcomes(db: Kysely<Database>, filter: Filter = {}): Promise<StrategyOutcomes[]> {
  return withDatabaseErrors(async () => {
    const rows = await sql<{
      ladder_id: string;
      ladder_version: number;
      segment_id: string | null;
      segment_revision: number | null;
      arm: number | null;
      placed: number;
      recovered: number;
      opted_out: number;
      complaints: number;
      kept: number;
      broken: number;
      contacts_recovered: number;
    }>`
      with per_account as (
        select a.ladder_id, a.ladder_version, a.segment_id, a.segment_revision, a.arm,
               coalesce(acc.status in ('paid', 'overpaid', 'settled'), false) as recovered,
               exists (select 1 from opt_outs o where o.account_id = a.account_id) as opted_out,
               exists (select 1 from opt_outs o where o.account_id = a.account_id and o.source = 'provider')
                 as complained,
               (select count(*) from promises p where p.account_id = a.account_id and p.status = 'kept') as kept,
               (select count(*) from promises p where p.account_id = a.account_id and p.status = 'broken') as broken,
               (select count(*) from contact_attempts c
                 where c.account_id = a.account_id and c.status in ('queued', 'sent', 'delivered')) as contacts
          from account_assignments a
          left join accounts acc on acc.id = a.account_id
         where ${where(filter)}
      )
      select ladder_id, ladder_version, segment_id, segment_revision, arm,
             count(*)::int as placed,
             (count(*) filter (where recovered))::int as recovered,
             (count(*) filter (where opted_out))::int as opted_out,
             (count(*) filter (where complained))::int as complaints,
             coalesce(sum(kept), 0)::int as kept,
             coalesce(sum(broken), 0)::int as broken,
             coalesce(sum(contacts) filter (where recovered), 0)::int as contacts_recovered
        from per_account
       group by ladder_id, ladder_version, segment_id, segment_revision, arm
       order by ladder_id, ladder_version, segment_id, segment_revision, arm
    `.execute(db);
    const amounts = await sql<{
      ladder_id: string;
      ladder_version: number;
      segment_id: string | null;
      segment_revision: number | null;
      arm: number | null;
      currency: string;
      amount_minor: number;
    }>`
      select a.ladder_id, a.ladder_version, a.segment_id, a.segment_revision, a.arm, p.currency,
             sum(p.amount_minor)::bigint as amount_minor
        from account_assignments a
        join payments p on p.account_id = a.account_id
       where ${where(filter)}
       group by a.ladder_id, a.ladder_version, a.segment_id, a.segment_revision, a.arm, p.currency
       order by p.currency
    `.execute(db);
    const key = (r: {
      ladder_id: string;
      ladder_version: number;
      segment_id: string | null;
      segment_revision: number | null;
      arm: number | null;
    }) => `${r.ladder_id}@${r.ladder_version}|${r.segment_id ?? ''}|${r.segment_revision ?? ''}|${r.arm ?? ''}`;
    const money = new Map<string, { currency: string; amountMinor: number }[]>();
    for (const m of amounts.rows)
      money.set(key(m), [...(money.get(key(m)) ?? []), { currency: m.currency, amountMinor: Number(m.amount_minor) }]);
    return rows.rows.map((r) => ({
      ladderId: r.ladder_id,
      ladderVersion: r.ladder_version,
      segmentId: r.segment_id,
      revision: r.segment_revision,
      arm: r.arm,
      placed: r.placed,
      recovered: r.recovered,
      optedOut: r.opted_out,
      complaints: r.complaints,
      promisesKept: r.kept,
      promisesBroken: r.broken,
      contactsToRecovered: r.contacts_recovered,
      recoveredAmount: money.get(key(r)) ?? [],
    }));
  });
}
