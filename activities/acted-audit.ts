import type { AccountRecordChange } from '../workflows/activity-contracts';

/**
 * The audit entry an acting activity (sendMessage, createAgentTask) writes for its own outcome, as the workflow
 * would have written it (`<step>:acted`). Its key is the action's own (the send intent, the task key), so a
 * retried or deduplicated attempt appends nothing twice.
 */
export function actedAudit(
  stepKey: string,
  reason: 'message_sent' | 'agent_task_created',
  key: string,
  data: Record<string, unknown>
): AccountRecordChange {
  return {
    type: 'audit',
    at: new Date().toISOString(),
    actor: 'workflow',
    action: `${stepKey}:acted`,
    reason,
    data,
    key: `acted:${key}`,
  };
}
