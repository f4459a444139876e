import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { dunningWorkflow } from '../workflows/dunning-workflow';
import type { Account } from '../workflows/engine/account';
import { contactPolicyFor } from '../workflows/engine/jurisdictions';
import { defaultLadder, type Ladder } from '../workflows/engine/ladder';
import {
  ACCOUNT_ID,
  CREDITOR,
  DUNNING_STATUS,
  JURISDICTION,
  LADDER_VERSION,
  SEGMENT,
} from '../workflows/search-attributes';
import { TASK_QUEUES, workflowIdFor, type DunningWorkflowInput } from '../workflows/workflow-input';
import { placementProblems } from '../workflows/engine/placement-problems';
import { accountClosed, closedStatusOf } from './closed-account';
import { resolveLadder, type LadderRef } from './ladder-catalog';
import { assignLadder, type Segmentation } from '../workflows/engine/segment-rules';
import type { RouteDeps } from './deps';
import { ProblemError } from './problem';
import type { PlaceAccountRequest } from './schemas';

export interface Placement {
  accountId: string;
  workflowId: string;
  created: boolean;
  ladder: { id: string; version: number };
  assignment: LadderAssignment;
  pendingPayments: number;
}

export const ladderVersionOf = (l: { id: string; version: number }) => `${l.id}@${l.version}`;

/**
 * How an account's workflow is started, by its placement or by a payment's signal-with-start: the same id, queue,
 * search attributes and summary either way. An account id is one debt, so its id is never reused once the workflow
 * closed (REJECT_DUPLICATE): placing a paid or cancelled account again, or paying it, must not start a second
 * collection of the same debt.
 */
export function dunningStartOptions(input: DunningWorkflowInput, routing: { segmentId?: string } = {}) {
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
      // What a portfolio hold may select by, besides jurisdiction and ladder version.
      ...(routing.segmentId !== undefined ? [{ key: SEGMENT, value: routing.segmentId }] : []),
      ...(account.creditor ? [{ key: CREDITOR, value: account.creditor.name }] : []),
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
  const { ladder: customLadder, ladderRef, segmentation, ...account } = req;
  const { ladder, assignment } = await chooseLadder(deps, account, { customLadder, ladderRef, segmentation });
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
  const { segmentId } = assignment;
  await deps.store.receivePlacement({ account, ladder, ...(segmentId !== undefined && { segmentId }) });
  await deps.ladders.recordAssignment({
    accountId: account.id,
    ladder: { id: ladder.id, version: ladder.version },
    ...assignment,
  });
  await deps.store.appendAuditEvent({
    accountId: account.id,
    actor: 'api',
    action: 'ladder_assigned',
    reason: assignment.reason,
    data: { ladder: { id: ladder.id, version: ladder.version }, ...assignment },
    at: new Date(deps.now()),
  });
  const started = await startPlacement(deps, { account, ladder, ...(segmentId !== undefined && { segmentId }) });
  if (started.outcome === 'closed')
    throw accountClosed(account.id, started.status, 'an account id is one debt; place a new debt under a new id');
  return {
    accountId: account.id,
    workflowId: workflowIdFor(account.id),
    ladder: { id: ladder.id, version: ladder.version },
    assignment,
    created: started.outcome === 'started',
    pendingPayments: started.pendingPayments,
  };
}

/** How a placement's ladder was chosen: named by the placement, routed by a segment, or the built-in default. */
export interface LadderAssignment {
  by: 'placement' | 'segment' | 'default';
  segmentId?: string;
  revision?: number;
  arm?: number;
  reason: string;
}

/**
 * The ladder an account is placed on, and why. A ladder the placement names (its own, or a catalog version) wins;
 * else the first active segment it matches; else the built-in ladder. A catalog ladder is resolved once, here: the
 * workflow carries that version's definition, so a version published later never changes what the account runs.
 */
async function chooseLadder(
  deps: RouteDeps,
  account: Account,
  named: { customLadder?: Ladder; ladderRef?: LadderRef; segmentation?: Segmentation }
): Promise<{ ladder: Ladder; assignment: LadderAssignment }> {
  if (named.customLadder)
    return {
      ladder: named.customLadder,
      assignment: { by: 'placement', reason: 'a ladder of its own, in the placement' },
    };
  if (named.ladderRef) {
    const ladder = await resolveLadder(deps.ladders, named.ladderRef, 'ladderRef', 'placement');
    return { ladder, assignment: { by: 'placement', reason: `named by the placement: ${ladderVersionOf(ladder)}` } };
  }
  const segmentation = named.segmentation ?? { tags: [] };
  const chosen = assignLadder(await deps.ladders.activeSegments(), account, segmentation, deps.now());
  if (!chosen)
    return { ladder: defaultLadder, assignment: { by: 'default', reason: 'no segment matched: the built-in ladder' } };
  const field = `segment ${chosen.segmentId} arm ${chosen.arm}`;
  const ladder = await resolveLadder(deps.ladders, chosen.ladder, field, 'placement');
  const { segmentId, revision, arm, reason } = chosen;
  return { ladder, assignment: { by: 'segment', segmentId, revision, arm, reason } };
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
  placement: { account: Account; ladder: Ladder; segmentId?: string }
): Promise<PlacementStart> {
  const { account, ladder, segmentId } = placement;
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
      ...dunningStartOptions(input, { ...(segmentId !== undefined && { segmentId }) }),
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
