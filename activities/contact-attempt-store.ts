import type { Channel } from '../workflows/account';

/**
 * The send-intent ledger behind "at most one message per step under retries": a send activity claims the intent
 * for (workflowId, stepKey, channel) before calling the provider, and returns the stored provider message id
 * instead of sending again when the intent already has one. Implemented over PostgreSQL in db/.
 */
export interface SendIntent {
  workflowId: string;
  accountId: string;
  stepKey: string;
  channel: Channel;
  /** Address the message goes to; kept for the audit trail. */
  to: string;
  template: string;
}

export type ContactAttemptStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export interface ClaimedAttempt {
  attemptId: string;
  /** Set when an earlier attempt of the same intent already reached the provider. */
  providerMessageId: string | null;
  status: ContactAttemptStatus;
  transport: string | null;
}

export interface ContactAttemptStore {
  /** Idempotent: the same intent always yields the same attempt row. */
  claim(intent: SendIntent): Promise<ClaimedAttempt>;
  markSent(
    attemptId: string,
    sent: { providerMessageId: string; transport: string; status: 'queued' | 'sent' }
  ): Promise<void>;
  markFailed(attemptId: string, failure: { code: string; permanent: boolean }): Promise<void>;
  /** Provider callbacks (Twilio status, SendGrid events); unknown ids are ignored and reported as false. */
  recordDeliveryStatus(
    providerMessageId: string,
    update: { status: ContactAttemptStatus; errorCode?: string; at: Date }
  ): Promise<boolean>;
}
