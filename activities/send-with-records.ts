import type { RecordAccountChangesInput, SendMessageInput, SendMessageResult } from '../workflows/activity-contracts';
import { actedAudit, type AuditChange } from '../workflows/record-changes';
import { actedAt } from './acted-at';

type RecordChanges = (input: RecordAccountChangesInput) => Promise<void>;
type RecordActed = (accountId: string, change: AuditChange) => Promise<string>;
type SendMessage = (input: SendMessageInput) => Promise<SendMessageResult>;

/**
 * sendMessage that also keeps the system of record: the changes the workflow hands over (why the step moved, a
 * payment that arrived while it waited) are written before the message goes out, and the send itself is recorded
 * after it, once, by this activity: the engine's own record of it (actedAudit) at the workflow's instant of the step
 * (actedAt), which the result carries as `sentAt` for the workflow to apply the send at. The workflow would otherwise
 * schedule a record activity around every send, which costs one workflow task, one history round trip and one
 * billed action per step. Both writes are idempotent: the outcome's key is the send intent's, so a retried or
 * deduplicated attempt records nothing twice and answers the first attempt's instant.
 */
export function sendWithRecords(send: SendMessage, record: RecordChanges, recordActed: RecordActed): SendMessage {
  return async (input) => {
    const { record: pending, ...message } = input;
    if (pending !== undefined && pending.length > 0) {
      await record({ accountId: input.accountId, changes: pending });
    }
    const sent = await send(message);
    const acted = actedAudit(
      { stepKey: input.stepKey, channel: input.channel },
      actedAt(),
      `${input.stepKey}:${input.channel}`,
      {
        providerMessageId: sent.providerMessageId,
        transport: sent.transport,
        acceptedAt: new Date().toISOString(),
      }
    );
    return { ...sent, sentAt: await recordActed(input.accountId, acted) };
  };
}
