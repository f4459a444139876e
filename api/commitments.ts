import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AgreementInput, PromiseInput } from '../workflows/engine/account-events';
import type { InputProblem } from '../workflows/engine/input-problems';
import {
  COMMITMENT_REJECTED,
  recordAgreementUpdate,
  recordPromiseUpdate,
  type CommitmentRecorded,
  type RecordAgreementInput,
  type RecordPromiseInput,
} from '../workflows/messages';
import { workflowIdFor } from '../workflows/workflow-input';
import { accountClosed, closedStatusOf } from './closed-account';
import type { RouteDeps } from './deps';
import { problems } from './problem';

type CommitmentDeps = Pick<RouteDeps, 'temporal' | 'metrics'>;

/** A promise as recorded: the input with its id, and the account's status once the workflow applied it. */
export interface PromiseRecorded {
  promise: RecordPromiseInput;
  outcome: CommitmentRecorded;
}
export interface AgreementRecorded {
  agreement: RecordAgreementInput;
  outcome: CommitmentRecorded;
}

/**
 * Records a promise to pay through the account's workflow, as the Update `recordPromise`: the workflow's validator
 * runs the engine's commitment check on its own state, so the answer (accepted, or rejected naming the field) comes
 * in one round trip and there is no check-then-signal race. The promise id is the Update id: a request retried with
 * the same `promiseId` is applied once. Every caller (the JSON API, the agent console, the debtor's page) records
 * promises through here.
 */
export async function recordPromise(
  deps: CommitmentDeps,
  accountId: string,
  input: PromiseInput
): Promise<PromiseRecorded> {
  const promise = { ...input, promiseId: input.promiseId ?? `prm_${randomUUID()}` };
  const outcome = await executeCommitment(deps, accountId, 'promise', () =>
    deps.temporal.workflow
      .getHandle(workflowIdFor(accountId))
      .executeUpdate(recordPromiseUpdate, { args: [promise], updateId: promise.promiseId })
  );
  deps.metrics.promisesRecorded.inc({ kind: 'promise' });
  return { promise, outcome };
}

/** Records an installment agreement through the account's workflow, as the Update `recordAgreement` (see above). */
export async function recordAgreement(
  deps: CommitmentDeps,
  accountId: string,
  input: AgreementInput
): Promise<AgreementRecorded> {
  const agreement = { ...input, agreementId: input.agreementId ?? `agr_${randomUUID()}` };
  const outcome = await executeCommitment(deps, accountId, 'agreement', () =>
    deps.temporal.workflow
      .getHandle(workflowIdFor(accountId))
      .executeUpdate(recordAgreementUpdate, { args: [agreement], updateId: agreement.agreementId })
  );
  deps.metrics.promisesRecorded.inc({ kind: 'agreement' });
  return { agreement, outcome };
}

/**
 * The Update's answer as the API gives it: a rejection by the engine's check is 422 naming the field; an account
 * whose workflow has closed is 409 account-closed naming how it closed; one that never ran is 404.
 */
async function executeCommitment(
  deps: CommitmentDeps,
  accountId: string,
  kind: 'promise' | 'agreement',
  update: () => Promise<CommitmentRecorded>
): Promise<CommitmentRecorded> {
  try {
    return await update();
  } catch (err) {
    const problem = rejectionOf(err);
    if (problem) throw problems.unprocessable(problem.message, problem.field);
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const closed = await closedStatusOf(deps, accountId);
    if (closed === undefined) throw err;
    throw accountClosed(accountId, closed, `the ${kind} was not recorded`);
  }
}

/** The field and reason a commitment Update was rejected with, when that is what `err` is. */
export function rejectionOf(err: unknown): InputProblem | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== COMMITMENT_REJECTED) return undefined;
  const detail = cause.details?.[0] as Partial<InputProblem> | undefined;
  return {
    field: typeof detail?.field === 'string' ? detail.field : '(root)',
    message: typeof detail?.message === 'string' ? detail.message : cause.message,
  };
}
