import type { SignalDefinition } from '@temporalio/client';
import {
  agentContactSignal,
  agreementNegotiatedSignal,
  cancelSignal,
  deliveryStatusSignal,
  disputeOpenedSignal,
  disputeResolvedSignal,
  optOutSignal,
  paymentReceivedSignal,
  promiseToPaySignal,
  statusQuery,
  type DunningStatus,
  type SignalName,
} from '../workflows/messages';
import type { signalSchemas } from '../workflows/messages';
import { workflowIdFor } from '../workflows/workflow-input';
import type { z } from 'zod';
import type { RouteDeps } from './deps';

/** Each signal's definition, by name: for plain signals and signal-with-start alike. */
export const signalDefinitions: { [K in SignalName]: SignalDefinition<[z.input<(typeof signalSchemas)[K]>]> } = {
  paymentReceived: paymentReceivedSignal,
  promiseToPay: promiseToPaySignal,
  agreementNegotiated: agreementNegotiatedSignal,
  disputeOpened: disputeOpenedSignal,
  disputeResolved: disputeResolvedSignal,
  optOut: optOutSignal,
  deliveryStatus: deliveryStatusSignal,
  cancel: cancelSignal,
  agentContact: agentContactSignal,
};

/** Signals a workflow by id; WorkflowNotFoundError propagates (404 for the API, "ignored" for webhooks). */
export async function signalWorkflow<K extends SignalName>(
  deps: Pick<RouteDeps, 'temporal' | 'metrics'>,
  workflowId: string,
  name: K,
  payload: z.input<(typeof signalSchemas)[K]>
): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(workflowId);
  await handle.signal(signalDefinitions[name], payload);
  deps.metrics.signalsSent.inc({ signal: name });
}

export const signalAccount = <K extends SignalName>(
  deps: Pick<RouteDeps, 'temporal' | 'metrics'>,
  accountId: string,
  name: K,
  payload: z.input<(typeof signalSchemas)[K]>
) => signalWorkflow(deps, workflowIdFor(accountId), name, payload);

export async function queryStatus(deps: Pick<RouteDeps, 'temporal'>, accountId: string): Promise<DunningStatus> {
  return deps.temporal.workflow.getHandle(workflowIdFor(accountId)).query(statusQuery);
}
