import { actedAudit } from './acted-audit';
import type { AccountRecordChange, SendMessageInput, SendMessageResult } from '../workflows/activity-contracts';

type RecordChanges = (input: { accountId: string; changes: AccountRecordChange[] }) => Promise<void>;
type SendMessage = (input: SendMessageInput) => Promise<SendMessageResult>;

/**
 * sendMessage that also keeps the system of record: the changes the workflow hands over (why the step moved, a
 * payment that arrived while it waited) are written before the message goes out, and the send itself is recorded
 * after it. The workflow would otherwise schedule a record activity around every send, which costs one workflow
 * task, one history round trip and one billed action per step. Both writes are idempotent: the outcome's key is
 * the send intent's, so a retried or deduplicated attempt records nothing twice.
 */
export function sendWithRecords(send: SendMessage, record: RecordChanges): SendMessage {
  return async (input) => {
    const { record: pending, ...message } = input;
    if (pending !== undefined && pending.length > 0) {
      await record({ accountId: input.accountId, changes: pending });
    }
    const sent = await send(message);
    await record({
      accountId: input.accountId,
      changes: [
        actedAudit(input.stepKey, 'message_sent', `${input.stepKey}:${input.channel}`, {
          detail: input.channel,
          providerMessageId: sent.providerMessageId,
          transport: sent.transport,
        }),
      ],
    });
    return sent;
  };
}
