import type { Kysely } from 'kysely';
import { DuplicateError, withDatabaseErrors } from '../errors';
import type { Database, PaymentRow } from '../schema';

export interface PaymentInput {
  accountId: string;
  /** The payment processor's id; unique per account. */
  paymentId: string;
  amountMinor: number;
  currency: string;
  paidAt: Date | string;
  balanceAfterMinor?: number;
}

export interface PaymentRecord {
  accountId: string;
  paymentId: string;
  amountMinor: number;
  currency: string;
  paidAt: Date;
  balanceAfterMinor: number | null;
  recordedAt: Date;
}

/**
 * Idempotent by (account, paymentId): recording the same payment again returns created=false. The same id with a
 * different amount or currency is a DuplicateError, because silently keeping either one would lose money.
 */
export async function recordPayment(db: Kysely<Database>, input: PaymentInput): Promise<{ created: boolean }> {
  return withDatabaseErrors(async () => {
    const inserted = await db
      .insertInto('payments')
      .values({
        account_id: input.accountId,
        external_payment_id: input.paymentId,
        amount_minor: input.amountMinor,
        currency: input.currency,
        paid_at: input.paidAt,
        balance_after_minor: input.balanceAfterMinor ?? null,
      })
      .onConflict((oc) => oc.columns(['account_id', 'external_payment_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { created: true };
    const existing = await db
      .selectFrom('payments')
      .select(['amount_minor', 'currency'])
      .where('account_id', '=', input.accountId)
      .where('external_payment_id', '=', input.paymentId)
      .executeTakeFirstOrThrow();
    if (existing.amount_minor !== input.amountMinor || existing.currency !== input.currency) {
      throw new DuplicateError(`payment ${input.paymentId} was already recorded with a different amount`, 'paymentId');
    }
    return { created: false };
  });
}

export async function listPayments(db: Kysely<Database>, accountId: string): Promise<PaymentRecord[]> {
  const rows = await withDatabaseErrors(() =>
    db.selectFrom('payments').selectAll().where('account_id', '=', accountId).orderBy('paid_at').orderBy('id').execute()
  );
  return rows.map(toPaymentRecord);
}

function toPaymentRecord(row: PaymentRow): PaymentRecord {
  return {
    accountId: row.account_id,
    paymentId: row.external_payment_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    paidAt: row.paid_at,
    balanceAfterMinor: row.balance_after_minor,
    recordedAt: row.recorded_at,
  };
}
