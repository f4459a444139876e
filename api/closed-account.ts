import { WorkflowNotFoundError } from '@temporalio/client';
import { DUNNING_OUTCOME, DUNNING_STATUS } from '../workflows/search-attributes';
import { workflowIdFor } from '../workflows/workflow-input';
import type { RouteDeps } from './deps';
import { ProblemError } from './problem';

/**
 * The status an account's closed workflow ended with (`paid`, `settled`, `cancelled`, …), or undefined while it
 * runs or when it never existed. Read from the workflow's own search attributes; a workflow closed from outside
 * the ladder (terminated, timed out) has no outcome and answers its Temporal status instead.
 */
export async function closedStatusOf(
  deps: Pick<RouteDeps, 'temporal'>,
  accountId: string
): Promise<string | undefined> {
  let description;
  try {
    description = await deps.temporal.workflow.getHandle(workflowIdFor(accountId)).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  if (description.status.name === 'RUNNING') return undefined;
  const attributes = description.typedSearchAttributes;
  return attributes.get(DUNNING_OUTCOME) ?? attributes.get(DUNNING_STATUS) ?? description.status.name.toLowerCase();
}

/** 409 account-closed naming the status; `detail` says what happened to the request's data. */
export function accountClosed(
  accountId: string,
  status: string,
  detail: string,
  extensions: Record<string, unknown> = {}
) {
  return new ProblemError(
    409,
    'account-closed',
    `account ${accountId} is closed (${status}): ${detail}`,
    [{ field: 'id', message: `the account is closed (${status})` }],
    { accountStatus: status, ...extensions }
  );
}
