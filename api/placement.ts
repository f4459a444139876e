import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { dunningWorkflow } from '../workflows/dunning-workflow';
import type { Account } from '../workflows/engine/account';
import { contactPolicyFor } from '../workflows/engine/jurisdictions';
import { defaultLadder, type Ladder } from '../workflows/engine/ladder';
import { ACCOUNT_ID, DUNNING_STATUS, JURISDICTION, LADDER_VERSION } from '../workflows/search-attributes';
import { TASK_QUEUES, workflowIdFor, type DunningWorkflowInput } from '../workflows/workflow-input';
import { placementProblems } from '../workflows/engine/placement-problems';
import { accountClosed, closedStatusOf } from './closed-account';
import { resolveLadder } from './ladder-catalog';
import type { RouteDeps } from './deps';
import { ProblemError } from './problem';
import type { PlaceAccountRequest } from './schemas';

export interface Placement {
  accountId: string;
  workflowId: string;
  created: boolean;
  ladder: { id: string; version: number };
  pendingPayments: number;
}

export const ladderVersionOf = (l: { id: string; version: number }) => `${l.id}@${l.version}`;

/**
 * How an account's workflow is started, by its placement or by a payment's signal-with-start: the same id, queue,
 * search attributes and summary either way. An account id is one debt, so its id is never reused once the workflow
 * closed (REJECT_DUPLICATE): placing a paid or cancelled account again, or paying it, must not start a second
 * collection of the same debt.
 */
export function dunningStartOptions(input: DunningWorkflowInput) {
  const { account, ladder } = input;
  return {
    workflowId: workflowIdFor(account.id),
    taskQueue: TASK_QUEUES.workflows,
    args: [input] as [DunningWorkflowInput],
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes: [
      { key: ACCOUNT_ID, value: account.id },
      { key: JURISDICTION, value: account.debtor.jurisdiction },
      { key: DUNNING_STATUS, value: 'active' },
      { key: LADDER_VERSION, value: ladderVersionOf(ladder) },
    ],
    // No PII: ids, jurisdiction and ladder only.
    staticSummary: `Dunning ${account.id} · ${account.debtor.jurisdiction} · ladder ${ladderVersionOf(ladder)}`,
  };
}

/**
 * Places one account: check it (placementProblems, a 422 naming each field), receive it in the inbox (with its ladder
 * snapshot), then start its workflow with a deterministic id; the workflow writes the account's row. The inbox is
 * written before the start: a DB write and a workflow start cannot be atomic, and a placement that stops in between
 * is healed by a retried placement or by the account's next payment (which starts the workflow from the inbox). An
 * account already running answers `created: false`; one whose workflow closed is a 409 naming how it closed.
 */
export async function placeAccount(deps: RouteDeps, req: PlaceAccountRequest): Promise<Placement> {
  const { ladder: customLadder, ladderRef, ...account } = req;
  // A catalog ladder is resolved once, here: the account's workflow carries that version's definition, so a version
  // published later never changes what this account runs.
  const ladder =
    customLadder ??
    (ladderRef ? await resolveLadder(deps.ladders, ladderRef, 'ladderRef', 'placement') : defaultLadder);
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  // Before anything is written or started: an account that cannot be collected is never placed.
  const found = placementProblems(account, ladder, policy, {
    acceptedCurrencies: deps.config.acceptedCurrencies ?? 'legal-tender',
    ...(deps.config.creditor && { configuredCreditor: deps.config.creditor }),
  });
  if (found.length > 0 || !policy)
    throw new ProblemError(422, 'invalid-account', found.map((p) => `${p.field}: ${p.message}`).join('; '), found);
  // Received first: a start that fails is healed by the next payment's signal-with-start from this record, or by the
  // inbox's redelivery sweep.
  await deps.store.receivePlacement({ account, ladder });
  const started = await startPlacement(deps, { account, ladder });
  if (started.outcome === 'closed')
    throw accountClosed(account.id, started.status, 'an account id is one debt; place a new debt under a new id');
  return {
    accountId: account.id,
    workflowId: workflowIdFor(account.id),
    ladder: { id: ladder.id, version: ladder.version },
    created: started.outcome === 'started',
    pendingPayments: started.pendingPayments,
  };
}

/** What became of a placement's start: started (with what was received before it), already running, or closed. */
export type PlacementStart =
  | { outcome: 'started'; pendingPayments: number }
  | { outcome: 'already_running'; pendingPayments: 0 }
  | { outcome: 'closed'; status: string };

/**
 * Starts the workflow of a placement already in the inbox, with every payment and undelivered opt-out received so
 * far, and notes in the inbox how they were delivered. Used by the placement itself and by the redelivery sweep.
 */
export async function startPlacement(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store'>,
  placement: { account: Account; ladder: Ladder }
): Promise<PlacementStart> {
  const { account, ladder } = placement;
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  if (!policy) throw new Error(`no contact policy for ${account.debtor.jurisdiction}; placement checks prevent this`);
  const pendingPayments = await deps.store.listPayments(account.id);
  // A STOP or a cease request may have arrived between the inbox write and a start that failed.
  const pendingOptOuts = await deps.store.listUndeliveredOptOuts(account.id);
  const input: DunningWorkflowInput = {
    account,
    ladder,
    policy,
    ...(pendingPayments.length > 0 && { pendingPayments }),
    ...(pendingOptOuts.length > 0 && { pendingOptOuts: pendingOptOuts.map((o) => o.optOut) }),
  };
  try {
    await deps.temporal.workflow.start(dunningWorkflow, {
      ...dunningStartOptions(input),
      workflowIdConflictPolicy: 'FAIL',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const closed = await closedStatusOf(deps, account.id);
    if (closed !== undefined) return { outcome: 'closed', status: closed };
    await deps.store.markDelivered(account.id, [{ kind: 'placement', key: account.id }], 'already_running');
    deps.metrics.accountsPlaced.inc({ result: 'existing' });
    return { outcome: 'already_running', pendingPayments: 0 };
  }
  await deps.store.markDelivered(
    account.id,
    [
      { kind: 'placement', key: account.id },
      ...pendingPayments.map((p) => ({ kind: 'payment' as const, key: p.paymentId })),
      ...pendingOptOuts.map((o) => ({ kind: 'opt_out' as const, key: o.key })),
    ],
    'started'
  );
  deps.metrics.workflowsStarted.inc();
  deps.metrics.accountsPlaced.inc({ result: 'created' });
  return { outcome: 'started', pendingPayments: pendingPayments.length };
}
