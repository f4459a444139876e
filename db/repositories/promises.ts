import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { withDatabaseErrors } from '../errors';
import type { Database, PromiseRow, PromiseStatus } from '../schema';

export interface PromiseInput {
  accountId: string;
  promiseId: string;
  amountMinor: number;
  currency: string;
  /** Calendar date the debtor promised to pay, YYYY-MM-DD. */
  date: string;
  agentId: string;
  status: PromiseStatus;
}

export type PromiseRecord = PromiseInput & { createdAt: Date; updatedAt: Date };

/** Insert or update by (account, promiseId): the workflow reports a promise when made and again when it resolves. */
export async function upsertPromise(db: Kysely<Database>, input: PromiseInput): Promise<void> {
  await withDatabaseErrors(() =>
    db
      .insertInto('promises')
      .values({
        account_id: input.accountId,
        promise_id: input.promiseId,
        amount_minor: input.amountMinor,
        currency: input.currency,
        promised_date: input.date,
        agent_id: input.agentId,
        status: input.status,
      })
      .onConflict((oc) =>
        oc.columns(['account_id', 'promise_id']).doUpdateSet((eb) => ({
          amount_minor: eb.ref('excluded.amount_minor'),
          promised_date: eb.ref('excluded.promised_date'),
          agent_id: eb.ref('excluded.agent_id'),
          status: eb.ref('excluded.status'),
          updated_at: sql<Date>`now()`,
        }))
      )
      .execute()
  );
}

export async function listPromises(db: Kysely<Database>, accountId: string): Promise<PromiseRecord[]> {
  const rows = await withDatabaseErrors(() =>
    db
      .selectFrom('promises')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('promised_date')
      .orderBy('promise_id')
      .execute()
  );
  return rows.map(toPromiseRecord);
}

function toPromiseRecord(row: PromiseRow): PromiseRecord {
  return {
    accountId: row.account_id,
    promiseId: row.promise_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    date: row.promised_date,
    agentId: row.agent_id,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
