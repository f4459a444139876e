import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { ValidationError, withDatabaseErrors } from '../errors';
import type { AgreementStatus, Database } from '../schema';
import { inTransaction } from '../transaction';

export interface AgreementInstallmentInput {
  /** YYYY-MM-DD */
  dueDate: string;
  amountMinor: number;
}

export interface AgreementInput {
  accountId: string;
  agreementId: string;
  agentId: string;
  currency: string;
  status: AgreementStatus;
  installments: AgreementInstallmentInput[];
}

export type AgreementRecord = AgreementInput & { createdAt: Date; updatedAt: Date };

/**
 * Insert or update by (account, agreementId), with its installment schedule, in one transaction. The schedule is
 * replaced as a whole: the workflow always sends the complete list.
 */
export async function upsertAgreement(db: Kysely<Database>, input: AgreementInput): Promise<void> {
  if (input.installments.length === 0) {
    throw new ValidationError('an agreement needs at least one installment', 'installments');
  }
  await inTransaction(db, (trx) =>
    withDatabaseErrors(async () => {
      const { id } = await trx
        .insertInto('agreements')
        .values({
          account_id: input.accountId,
          agreement_id: input.agreementId,
          agent_id: input.agentId,
          currency: input.currency,
          status: input.status,
        })
        .onConflict((oc) =>
          oc.columns(['account_id', 'agreement_id']).doUpdateSet((eb) => ({
            agent_id: eb.ref('excluded.agent_id'),
            status: eb.ref('excluded.status'),
            updated_at: sql<Date>`now()`,
          }))
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('agreement_installments')
        .values(
          input.installments.map((x, i) => ({
            agreement_pk: id,
            seq: i + 1,
            due_date: x.dueDate,
            amount_minor: x.amountMinor,
          }))
        )
        .onConflict((oc) =>
          oc.columns(['agreement_pk', 'seq']).doUpdateSet((eb) => ({
            due_date: eb.ref('excluded.due_date'),
            amount_minor: eb.ref('excluded.amount_minor'),
          }))
        )
        .execute();
      await trx
        .deleteFrom('agreement_installments')
        .where('agreement_pk', '=', id)
        .where('seq', '>', input.installments.length)
        .execute();
    })
  );
}

export async function getAgreement(
  db: Kysely<Database>,
  accountId: string,
  agreementId: string
): Promise<AgreementRecord | undefined> {
  return withDatabaseErrors(async () => {
    const row = await db
      .selectFrom('agreements')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('agreement_id', '=', agreementId)
      .executeTakeFirst();
    if (!row) return undefined;
    const installments = await db
      .selectFrom('agreement_installments')
      .select(['due_date', 'amount_minor'])
      .where('agreement_pk', '=', row.id)
      .orderBy('seq')
      .execute();
    return {
      accountId: row.account_id,
      agreementId: row.agreement_id,
      agentId: row.agent_id,
      currency: row.currency,
      status: row.status,
      installments: installments.map((x) => ({ dueDate: x.due_date, amountMinor: x.amount_minor })),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}
