import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { DomainError, toDatabaseError } from '../db/errors';
import { lockAccount, updateAccountBalance, updateAccountStatus, upsertAccount } from '../db/repositories/accounts';
import { upsertAgreement } from '../db/repositories/agreements';
import { createAgentTask as insertAgentTask } from '../db/repositories/agent-tasks';
import { appendAuditEvent, auditDedupeKey } from '../db/repositories/audit-events';
import { parseOptOutSource, recordOptOut } from '../db/repositories/opt-outs';
import { recordPayment } from '../db/repositories/payments';
import { upsertPromise } from '../db/repositories/promises';
import type { Database } from '../db/schema';
import { inTransaction } from '../db/transaction';
import { actedAudit, type AuditChange } from '../workflows/record-changes';
import { actedAt } from './acted-at';
import { CLOSING_STATUSES, recordAccountsClosed } from './account-metrics';
import type {
  AccountRecordChange,
  CreateAgentTaskInput,
  CreateAgentTaskResult,
  RecordAccountChangesInput,
} from '../workflows/activity-contracts';

export interface DatabaseActivityDeps {
  db: Kysely<Database>;
}

/**
 * Domain errors (bad input, missing account, conflicting payment) will fail the same way on every retry, so they
 * become non-retryable failures typed by the error class. Anything else (connection refused or lost, deadlock)
 * stays a plain error and Temporal retries it.
 */
function toActivityFailure(err: unknown): Error {
  const translated = toDatabaseError(err);
  if (translated instanceof DomainError) {
    return ApplicationFailure.nonRetryable(translated.message, translated.type, { field: translated.field ?? null });
  }
  return translated;
}

/** What a batch of changes did that is counted once it committed: the statuses accounts newly closed with. */
interface AppliedEffects {
  closed: string[];
}

async function applyChange(
  trx: Kysely<Database>,
  accountId: string,
  workflowId: string,
  change: AccountRecordChange,
  effects: AppliedEffects = { closed: [] }
): Promise<void> {
  switch (change.type) {
    case 'accountPlaced':
      if (change.account.id !== accountId) {
        throw ApplicationFailure.nonRetryable(
          `accountPlaced carries account ${change.account.id}, not ${accountId}`,
          'ValidationError',
          { field: 'accountId' }
        );
      }
      return upsertAccount(trx, {
        account: change.account,
        ladderId: change.ladderId,
        ladderVersion: change.ladderVersion,
        workflowId,
      });
    case 'status': {
      const before = await trx
        .selectFrom('accounts')
        .select('status')
        .where('id', '=', accountId)
        .forUpdate()
        .executeTakeFirst();
      if (before && before.status !== change.status && CLOSING_STATUSES.has(change.status))
        effects.closed.push(change.status);
      return updateAccountStatus(trx, accountId, {
        status: change.status,
        balanceMinor: change.balanceMinor,
        ...(change.creditMinor !== undefined && { creditMinor: change.creditMinor }),
      });
    }
    case 'payment': {
      const account = await lockAccount(trx, accountId);
      await recordPayment(trx, {
        accountId,
        paymentId: change.paymentId,
        amountMinor: change.amountMinor,
        currency: account.account.balance.currency,
        paidAt: change.paidAt,
        balanceAfterMinor: change.balanceAfterMinor,
      });
      // Setting (not subtracting) the balance the workflow computed keeps a replayed payment harmless.
      return updateAccountBalance(trx, accountId, change.balanceAfterMinor);
    }
    case 'promise': {
      const account = await lockAccount(trx, accountId);
      return upsertPromise(trx, {
        accountId,
        promiseId: change.promiseId,
        amountMinor: change.amountMinor,
        currency: account.account.balance.currency,
        date: change.date,
        agentId: change.agentId,
        status: change.status,
      });
    }
    case 'agreement': {
      const account = await lockAccount(trx, accountId);
      return upsertAgreement(trx, {
        accountId,
        agreementId: change.agreementId,
        agentId: change.agentId,
        currency: account.account.balance.currency,
        status: change.status,
        installments: change.installments,
      });
    }
    case 'optOut':
      await recordOptOut(trx, {
        accountId,
        channel: change.channel,
        address: change.address,
        source: parseOptOutSource(change.source),
        ...(change.actor !== undefined && { actor: change.actor }),
        ...(change.keyword !== undefined && { keyword: change.keyword }),
        at: change.receivedAt ?? new Date(),
      });
      return;
    case 'audit': {
      const event = {
        accountId,
        actor: change.actor,
        action: change.action,
        reason: change.reason,
        data: change.data,
        at: change.at,
      };
      const dedupeKey = change.key !== undefined ? `${workflowId}:${change.key}` : auditDedupeKey(workflowId, event);
      await appendAuditEvent(trx, { ...event, dedupeKey });
      return;
    }
  }
}

/**
 * Writes an acting activity's own outcome (see actedAudit) and answers the instant the trail holds for it: this
 * write's, or the first attempt's when a retried or deduplicated one wrote it already.
 */
export async function recordActed(
  db: Kysely<Database>,
  accountId: string,
  workflowId: string,
  change: AuditChange
): Promise<string> {
  try {
    const { at } = await appendAuditEvent(db, {
      accountId,
      actor: change.actor,
      action: change.action,
      reason: change.reason,
      ...(change.data && { data: change.data }),
      at: change.at,
      dedupeKey: `${workflowId}:${change.key}`,
    });
    return at.toISOString();
  } catch (err) {
    throw toActivityFailure(err);
  }
}

/** Idempotency keys are scoped by workflow; an activity started outside a workflow has none to offer. */
export function currentWorkflowId(): string {
  const workflowId = activityInfo().workflowExecution?.workflowId;
  if (!workflowId) {
    throw ApplicationFailure.nonRetryable('database activities must run inside a workflow', 'ValidationError');
  }
  return workflowId;
}

export function createDatabaseActivities({ db }: DatabaseActivityDeps) {
  return {
    /** Applies every change in one transaction; retrying the same input leaves the database as the first run did. */
    async recordAccountChanges(input: RecordAccountChangesInput): Promise<void> {
      const workflowId = currentWorkflowId();
      const effects: AppliedEffects = { closed: [] };
      try {
        await inTransaction(db, async (trx) => {
          effects.closed = [];
          for (const change of input.changes) {
            await applyChange(trx, input.accountId, workflowId, change, effects);
          }
        });
        recordAccountsClosed(effects.closed);
      } catch (err) {
        if (err instanceof ApplicationFailure) throw err;
        throw toActivityFailure(err);
      }
    },

    /**
     * Idempotent per (workflowId, taskKey): a retried activity gets the task it already created. The changes the
     * workflow hands over, the task and the audit entry of its creation are one transaction.
     */
    async createAgentTask(input: CreateAgentTaskInput): Promise<CreateAgentTaskResult> {
      const workflowId = currentWorkflowId();
      const { record = [], ...task } = input;
      try {
        return await inTransaction(db, async (trx) => {
          for (const change of record) await applyChange(trx, task.accountId, workflowId, change);
          const created = await insertAgentTask(trx, { workflowId, ...task });
          const audit = actedAudit({ stepKey: task.taskKey, taskId: created.taskId }, actedAt(), task.taskKey);
          const createdAt = await recordActed(trx, task.accountId, workflowId, audit);
          return { ...created, createdAt };
        });
      } catch (err) {
        if (err instanceof ApplicationFailure) throw err;
        throw toActivityFailure(err);
      }
    },
  };
}

export type DatabaseActivities = ReturnType<typeof createDatabaseActivities>;
