import { WorkflowNotFoundError } from '@temporalio/client';
import type { AgentContactOutcome } from '../workflows/engine/account-events';
import { closedStatusOf } from './closed-account';
import type { RouteDeps } from './deps';
import { signalWorkflow } from './signals';
import type { AgentTaskView } from './store';

/** A task completed: as recorded, whether its workflow got the outcome, and how the account ended if it had. */
export interface CompletedTask {
  task: AgentTaskView;
  delivered: boolean;
  accountStatus?: string;
}

/**
 * Completes an agent task with the call's outcome, for the JSON API and the console alike. The completion is
 * recorded first (the agent's work is on file whatever Temporal answers), then signalled to the workflow as
 * agentContact, where it counts towards the contact caps.
 */
export async function completeTask(
  deps: Pick<RouteDeps, 'temporal' | 'metrics' | 'store'>,
  taskId: string,
  done: { outcome: AgentContactOutcome; by: string; note?: string; calledAt?: string }
): Promise<CompletedTask> {
  const task = await deps.store.completeAgentTask(taskId, {
    outcome: done.outcome,
    by: done.by,
    ...(done.note !== undefined && { note: done.note }),
  });
  try {
    await signalWorkflow(deps, task.workflowId, 'agentContact', {
      taskKey: task.taskKey,
      taskId: task.id,
      outcome: done.outcome,
      agentId: done.by,
      ...(done.calledAt !== undefined && { calledAt: done.calledAt }),
      ...(done.note !== undefined && { note: done.note }),
    });
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const accountStatus = await closedStatusOf(deps, task.accountId);
    return { task, delivered: false, ...(accountStatus !== undefined && { accountStatus }) };
  }
  return { task, delivered: true };
}
