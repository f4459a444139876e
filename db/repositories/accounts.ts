import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Account } from '../../workflows/engine/account';
import { NotFoundError, withDatabaseErrors } from '../errors';
import type { AccountRow, Database } from '../schema';

export interface AccountRecord {
  account: Account;
  ladderId: string | null;
  ladderVersion: number | null;
  status: string;
  workflowId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface UpsertAccountInput {
  account: Account;
  ladderId?: string;
  ladderVersion?: number;
  workflowId?: string;
}

/**
 * Inserts the account or refreshes its contact and placement data. Balance and status belong to payments and status
 * changes once the account exists, so a replayed placement can neither reopen it nor undo a payment.
 */
export async function upsertAccount(db: Kysely<Database>, input: UpsertAccountInput): Promise<void> {
  const { account } = input;
  const row = {
    id: account.id,
    debtor_name: account.debtor.name,
    phone: account.debtor.phone ?? null,
    whatsapp: account.debtor.whatsapp ?? null,
    email: account.debtor.email ?? null,
    jurisdiction: account.debtor.jurisdiction,
    time_zone: account.debtor.timezone ?? null,
    locale: account.debtor.locale,
    balance_minor: account.balance.amountMinor,
    currency: account.balance.currency,
    due_date: account.dueDate,
    payment_link: account.paymentLink ?? null,
    creditor: account.creditor ? JSON.stringify(account.creditor) : null,
    ladder_id: input.ladderId ?? null,
    ladder_version: input.ladderVersion ?? null,
    workflow_id: input.workflowId ?? null,
  };
  await withDatabaseErrors(() =>
    db
      .insertInto('accounts')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          debtor_name: eb.ref('excluded.debtor_name'),
          phone: eb.ref('excluded.phone'),
          whatsapp: eb.ref('excluded.whatsapp'),
          email: eb.ref('excluded.email'),
          jurisdiction: eb.ref('excluded.jurisdiction'),
          time_zone: eb.ref('excluded.time_zone'),
          locale: eb.ref('excluded.locale'),
          due_date: eb.ref('excluded.due_date'),
          payment_link: eb.ref('excluded.payment_link'),
          creditor: eb.ref('excluded.creditor'),
          ladder_id: eb.fn.coalesce('excluded.ladder_id', 'accounts.ladder_id'),
          ladder_version: eb.fn.coalesce('excluded.ladder_version', 'accounts.ladder_version'),
          workflow_id: eb.fn.coalesce('excluded.workflow_id', 'accounts.workflow_id'),
          updated_at: sql<Date>`now()`,
        }))
      )
      .execute()
  );
}

export async function getAccount(db: Kysely<Database>, accountId: string): Promise<AccountRecord | undefined> {
  const row = await withDatabaseErrors(() =>
    db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst()
  );
  return row && toAccountRecord(row);
}

/** Locks the account row for the rest of the transaction; throws NotFoundError when it does not exist. */
export async function lockAccount(trx: Kysely<Database>, accountId: string): Promise<AccountRecord> {
  const row = await withDatabaseErrors(() =>
    trx.selectFrom('accounts').selectAll().where('id', '=', accountId).forUpdate().executeTakeFirst()
  );
  if (!row) throw new NotFoundError(`account ${accountId} does not exist`, 'accountId');
  return toAccountRecord(row);
}

export async function updateAccountStatus(
  db: Kysely<Database>,
  accountId: string,
  change: { status: string; balanceMinor?: number; creditMinor?: number }
): Promise<void> {
  const result = await withDatabaseErrors(() =>
    db
      .updateTable('accounts')
      .set({
        status: change.status,
        ...(change.balanceMinor !== undefined ? { balance_minor: change.balanceMinor } : {}),
        ...(change.creditMinor !== undefined ? { credit_minor: change.creditMinor } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', accountId)
      .executeTakeFirst()
  );
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`account ${accountId} does not exist`, 'accountId');
}

export async function updateAccountBalance(
  db: Kysely<Database>,
  accountId: string,
  balanceMinor: number
): Promise<void> {
  const result = await withDatabaseErrors(() =>
    db
      .updateTable('accounts')
      .set({ balance_minor: balanceMinor, updated_at: sql<Date>`now()` })
      .where('id', '=', accountId)
      .executeTakeFirst()
  );
  if (result.numUpdatedRows === 0n) throw new NotFoundError(`account ${accountId} does not exist`, 'accountId');
}

export function toAccountRecord(row: AccountRow): AccountRecord {
  const account: Account = {
    id: row.id,
    debtor: {
      name: row.debtor_name,
      ...(row.phone !== null ? { phone: row.phone } : {}),
      ...(row.whatsapp !== null ? { whatsapp: row.whatsapp } : {}),
      ...(row.email !== null ? { email: row.email } : {}),
      ...(row.time_zone !== null ? { timezone: row.time_zone } : {}),
      jurisdiction: row.jurisdiction,
      locale: row.locale,
    },
    balance: { amountMinor: row.balance_minor, currency: row.currency },
    dueDate: row.due_date,
    ...(row.payment_link !== null ? { paymentLink: row.payment_link } : {}),
    ...(row.creditor !== null ? { creditor: row.creditor } : {}),
  };
  return {
    account,
    ladderId: row.ladder_id,
    ladderVersion: row.ladder_version,
    status: row.status,
    workflowId: row.workflow_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
