import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Account } from '../workflows/engine/account';
import { dunningWorkflow } from '../workflows/dunning-workflow';
import { contactPolicyFor } from '../workflows/engine/jurisdictions';
import type { Ladder } from '../workflows/engine/ladder';
import { signalDefinition, type SignalInput, type SignalName } from '../workflows/messages';
import type { DunningWorkflowInput } from '../workflows/workflow-input';
import { closedStatusOf } from './closed-account';
import type { RouteDeps } from './deps';
import { dunningStartOptions } from './placement';
import { signalAccount } from './signals';

/** What became of a recorded event: signalled, left for the placement to hand over, or refused by a closed account. */
export type SignalDelivery = { outcome: 'signalled' } | { outcome: 'pending' } | { outcome: 'closed'; status: string };

/** The inbox's note of a delivery: `signalled`, `pending`, or `closed:<status>`. */
export const deliveryOf = (d: SignalDelivery): string => (d.outcome === 'closed' ? `closed:${d.status}` : d.outcome);

/**
 * Hands an event already recorded in the database to the account's workflow. With the ladder snapshot this is a
 * signal-with-start: a running workflow just receives the signal, and an account whose workflow has not started
 * (its placement is between the database write and the start, or stopped there) is started from the stored account
 * with the event, so it can never be signalled to a workflow that does not exist yet. The reuse policy of the start
 * options keeps a closed account closed. Accounts placed before snapshots were kept get a plain signal; if their
 * workflow is not running, the answer is `pending`.
 */
export async function deliverSignal<K extends SignalName>(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store'>,
  placed: { account: Account; ladder: Ladder | undefined; segmentId?: string },
  name: K,
  payload: SignalInput<K>,
  /** The inbox event this signal carries, so it does not travel twice (as the signal and as a pending event). */
  options: { carriesPaymentId?: string; carriesOptOutKey?: string } = {}
): Promise<SignalDelivery> {
  const { account, ladder } = placed;
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  try {
    if (!ladder || !policy) {
      await signalAccount(deps, account.id, name, payload);
      return { outcome: 'signalled' };
    }
    // Payments and opt-outs the workflow may not have seen (a signal that failed) travel with a start; a running
    // workflow ignores them, and the inbox's redelivery sweep signals whatever is still undelivered.
    const pendingPayments = (await deps.store.listPayments(account.id)).filter(
      (p) => p.paymentId !== options.carriesPaymentId
    );
    const pendingOptOuts = (await deps.store.listUndeliveredOptOuts(account.id))
      .filter((o) => o.key !== options.carriesOptOutKey)
      .map((o) => o.optOut);
    const input: DunningWorkflowInput = {
      account,
      ladder,
      policy,
      ...(pendingPayments.length > 0 && { pendingPayments }),
      ...(pendingOptOuts.length > 0 && { pendingOptOuts }),
    };
    await deps.temporal.workflow.signalWithStart(dunningWorkflow, {
      ...dunningStartOptions(input, { ...(placed.segmentId !== undefined && { segmentId: placed.segmentId }) }),
      signal: signalDefinition(name),
      signalArgs: [payload],
    });
    deps.metrics.signalsSent.inc({ signal: name });
    return { outcome: 'signalled' };
  } catch (err) {
    // Not found: a plain signal to no running workflow. Already started: REJECT_DUPLICATE refused a closed id.
    if (!(err instanceof WorkflowNotFoundError || err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const status = await closedStatusOf(deps, account.id);
    if (status !== undefined) return { outcome: 'closed', status };
    if (err instanceof WorkflowNotFoundError) return { outcome: 'pending' };
    throw err;
  }
}
