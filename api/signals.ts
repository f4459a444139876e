import {
  signalDefinition,
  statusQuery,
  type DunningStatus,
  type SignalInput,
  type SignalName,
} from '../workflows/messages';
import { workflowIdFor } from '../workflows/workflow-input';
import type { RouteDeps } from './deps';

/** Signals a workflow by id; WorkflowNotFoundError propagates (404 for the API, "ignored" for webhooks). */
export async function signalWorkflow<K extends SignalName>(
  deps: Pick<RouteDeps, 'temporal' | 'metrics'>,
  workflowId: string,
  name: K,
  payload: SignalInput<K>
): Promise<void> {
  const handle = deps.temporal.workflow.getHandle(workflowId);
  await handle.signal(signalDefinition(name), payload);
  deps.metrics.signalsSent.inc({ signal: name });
}

export const signalAccount = <K extends SignalName>(
  deps: Pick<RouteDeps, 'temporal' | 'metrics'>,
  accountId: string,
  name: K,
  payload: SignalInput<K>
) => signalWorkflow(deps, workflowIdFor(accountId), name, payload);

export async function queryStatus(deps: Pick<RouteDeps, 'temporal'>, accountId: string): Promise<DunningStatus> {
  return deps.temporal.workflow.getHandle(workflowIdFor(accountId)).query(statusQuery);
}
