import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Account } from '../../workflows/engine/account';
import type { OptOutInput, PaymentInput } from '../../workflows/engine/account-events';
import { LadderSchema, type Ladder } from '../../workflows/engine/ladder';
import { DuplicateError, withDatabaseErrors } from '../errors';
import type { Database, InboxEventKind } from '../schema';

/*
 * The API's inbox (see the migration 2026_12_03_0001_inbox): what arrived for an account, kept as received until
 * the account's workflow has it. The workflow is the only writer of the account's own tables; the API writes here.
 */

/** A placement as received: the account and the ladder snapshot its workflow runs. */
export interface ReceivedPlacement {
  account: Account;
  ladder: Ladder;
  /** The segment that chose the ladder, if one did: every start of the workflow carries it as a search attribute. */
  segmentId?: string;
}

/** A placement as stored: accounts placed before ladder snapshots were kept have none. */
export interface StoredPlacement {
  account: Account;
  ladder: Ladder | undefined;
  segmentId?: string;
}

/** A payment as received, with the currency of the account it was reported for. */
export interface ReceivedPayment extends PaymentInput {
  paidAt: string;
  currency: string;
}

/** An opt-out as received, with the evidence the workflow's signal does not carry (the address). */
export interface ReceivedOptOut extends OptOutInput {
  receivedAt: string;
  address?: string;
}

/**
 * Records a placement. A placement that was never delivered (its start failed) takes the latest request's data; once
 * delivered it is kept as it was started, since an account id is one debt.
 */
export async function receivePlacement(db: Kysely<Database>, placement: ReceivedPlacement): Promise<void> {
  const payload = JSON.stringify(placement);
  await withDatabaseErrors(() =>
    db
      .insertInto('inbox_events')
      .values({ account_id: placement.account.id, kind: 'placement', key: placement.account.id, payload })
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'kind', 'key'])
          .doUpdateSet({ payload, received_at: sql<Date>`now()` })
          .where('inbox_events.delivered_at', 'is', null)
      )
      .execute()
  );
}

/** The placement received for `accountId`, or undefined when it was never placed. */
export async function getPlacement(db: Kysely<Database>, accountId: string): Promise<StoredPlacement | undefined> {
  const row = await withDatabaseErrors(() =>
    db
      .selectFrom('inbox_events')
      .select('payload')
      .where('account_id', '=', accountId)
      .where('kind', '=', 'placement')
      .where('key', '=', accountId)
      .executeTakeFirst()
  );
  if (!row) return undefined;
  const { account, ladder, segmentId } = row.payload as { account: Account; ladder: unknown; segmentId?: string };
  return {
    account,
    ladder: ladder == null ? undefined : LadderSchema.parse(ladder),
    ...(segmentId !== undefined && { segmentId }),
  };
}

/**
 * Records a payment, idempotent by (account, paymentId): `duplicate` when it was received before. The same id with a
 * different amount or currency is a DuplicateError naming paymentId: keeping either one silently would lose money.
 */
export async function receivePayment(
  db: Kysely<Database>,
  accountId: string,
  payment: ReceivedPayment
): Promise<{ duplicate: boolean }> {
  // paidAt as a UTC instant, whatever offset it was reported with.
  const received = { ...payment, paidAt: new Date(payment.paidAt).toISOString() };
  return withDatabaseErrors(async () => {
    const inserted = await db
      .insertInto('inbox_events')
      .values({ account_id: accountId, kind: 'payment', key: payment.paymentId, payload: JSON.stringify(received) })
      .onConflict((oc) => oc.columns(['account_id', 'kind', 'key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { duplicate: false };
    const existing = await db
      .selectFrom('inbox_events')
      .select('payload')
      .where('account_id', '=', accountId)
      .where('kind', '=', 'payment')
      .where('key', '=', payment.paymentId)
      .executeTakeFirstOrThrow();
    const before = existing.payload as unknown as ReceivedPayment;
    if (before.amountMinor !== payment.amountMinor || before.currency !== payment.currency)
      throw new DuplicateError(
        `payment ${payment.paymentId} was already recorded with a different amount`,
        'paymentId'
      );
    return { duplicate: true };
  });
}

/** Every payment received for the account, oldest first: they travel with every start of its workflow. */
export async function listReceivedPayments(db: Kysely<Database>, accountId: string): Promise<PaymentInput[]> {
  const rows = await withDatabaseErrors(() =>
    db
      .selectFrom('inbox_events')
      .select('payload')
      .where('account_id', '=', accountId)
      .where('kind', '=', 'payment')
      .orderBy('received_at')
      .orderBy('id')
      .execute()
  );
  return rows.map((r) => {
    const { paymentId, amountMinor, paidAt } = r.payload as unknown as ReceivedPayment;
    return { paymentId, amountMinor, paidAt };
  });
}

/**
 * Records an opt-out or cease request as received, and answers its inbox key; the same one (channel, address,
 * source and time) received twice is kept once.
 */
export async function receiveOptOut(
  db: Kysely<Database>,
  accountId: string,
  optOut: ReceivedOptOut
): Promise<{ key: string }> {
  const key = [optOut.channel, optOut.address ?? '', optOut.source, optOut.receivedAt].join('|');
  await withDatabaseErrors(() =>
    db
      .insertInto('inbox_events')
      .values({ account_id: accountId, kind: 'opt_out', key, payload: JSON.stringify(optOut) })
      .onConflict((oc) => oc.columns(['account_id', 'kind', 'key']).doNothing())
      .execute()
  );
  return { key };
}

/** How the workflow got the events (signalled, started with them) or why it did not (closed:<status>). */
export async function markDelivered(
  db: Kysely<Database>,
  accountId: string,
  events: readonly { kind: InboxEventKind; key: string }[],
  delivery: string
): Promise<void> {
  if (events.length === 0) return;
  await withDatabaseErrors(() =>
    db
      .updateTable('inbox_events')
      .set({ delivered_at: sql<Date>`now()`, delivery })
      .where('account_id', '=', accountId)
      .where((eb) => eb.or(events.map((e) => eb.and([eb('kind', '=', e.kind), eb('key', '=', e.key)]))))
      .where('delivered_at', 'is', null)
      .execute()
  );
}

/** An opt-out no workflow has yet: its inbox key, and the optOut signal's payload. */
export interface UndeliveredOptOut {
  key: string;
  optOut: OptOutInput;
}

/** The opt-outs received for `accountId` that no workflow has yet, oldest first. */
export async function listUndeliveredOptOuts(db: Kysely<Database>, accountId: string): Promise<UndeliveredOptOut[]> {
  const rows = await withDatabaseErrors(() =>
    db
      .selectFrom('inbox_events')
      .select(['key', 'payload'])
      .where('account_id', '=', accountId)
      .where('kind', '=', 'opt_out')
      .where('delivered_at', 'is', null)
      .orderBy('received_at')
      .orderBy('id')
      .execute()
  );
  return rows.map((r) => ({ key: r.key, optOut: optOutSignalOf(r.payload as unknown as ReceivedOptOut) }));
}

/** The optOut signal's payload for an opt-out as received: the evidence (the address) stays in the inbox. */
export function optOutSignalOf(received: ReceivedOptOut): OptOutInput {
  const { address: _address, ...signal } = received;
  return signal;
}

/** An inbox event no workflow has yet. */
export interface UndeliveredEvent {
  accountId: string;
  kind: InboxEventKind;
  key: string;
  payload: Record<string, unknown>;
  receivedAt: Date;
}

/**
 * Events received before `receivedBefore` that no workflow has yet (the API answered 503, or stopped between the
 * write and the hand-over), oldest first: what the redelivery sweep hands over.
 */
export async function listUndelivered(
  db: Kysely<Database>,
  options: { receivedBefore: Date; limit: number }
): Promise<UndeliveredEvent[]> {
  const rows = await withDatabaseErrors(() =>
    db
      .selectFrom('inbox_events')
      .select(['account_id', 'kind', 'key', 'payload', 'received_at'])
      .where('delivered_at', 'is', null)
      .where('received_at', '<', options.receivedBefore)
      .orderBy('received_at')
      .orderBy('id')
      .limit(options.limit)
      .execute()
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    kind: r.kind,
    key: r.key,
    payload: r.payload,
    receivedAt: new Date(r.received_at),
  }));
}

/** How many received events no workflow has yet: the redelivery sweep's backlog. */
export async function countUndelivered(db: Kysely<Database>): Promise<number> {
  const row = await withDatabaseErrors(() =>
    db
      .selectFrom('inbox_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('delivered_at', 'is', null)
      .executeTakeFirstOrThrow()
  );
  return Number(row.n);
}

/**
 * Accounts placed with this sms or whatsapp number whose workflow has not written the account row yet: placements
 * still undelivered, or received in the last day (a workflow writes its row within seconds of its start).
 */
export async function findPlacementsByPhone(db: Kysely<Database>, phone: string): Promise<string[]> {
  const debtor = sql`payload -> 'account' -> 'debtor'`;
  const rows = await withDatabaseErrors(() =>
    db
      .selectFrom('inbox_events')
      .select('account_id')
      .where('kind', '=', 'placement')
      .where((eb) =>
        eb.or([eb('delivered_at', 'is', null), eb('received_at', '>', sql<Date>`now() - interval '1 day'`)])
      )
      .where((eb) => eb.or([eb(sql`${debtor} ->> 'phone'`, '=', phone), eb(sql`${debtor} ->> 'whatsapp'`, '=', phone)]))
      .limit(50)
      .execute()
  );
  return rows.map((r) => r.account_id);
}
