import type { Account, Channel, ContactChannel, Creditor } from './engine/account';
import type { Installment } from './engine/account-events';

/**
 * The inputs and results of every activity the dunning workflow schedules. Workflows import these with
 * `import type` only; the implementations live beside this file and are built by `createActivities(deps)`.
 */

/** Identifies one send intent: at most one message per (workflowId, stepKey, channel), whatever the retries. */
export interface SendMessageInput {
  accountId: string;
  /** Ladder step id, or an occurrence key such as `promise-reminder:p-1` or `installment-reminder:a-1:2`. */
  stepKey: string;
  channel: Channel;
  template: string;
  /** E.164 number or email address taken from the account snapshot. */
  to: string;
  locale: string;
  jurisdiction: string;
  debtorName: string;
  /** The amount the message quotes: the current balance, or the promised / installment amount. */
  amountMinor: number;
  currency: string;
  /** The date the message refers to (due date, promised date, installment date), YYYY-MM-DD. */
  referenceDate: string;
  paymentLink?: string;
  /** An early-payment discount the message offers: pay `amountMinor` by `validUntil` (YYYY-MM-DD) to settle. */
  discount?: { amountMinor: number; validUntil: string };
  creditor?: Creditor;
  /**
   * The policy snapshot asks every billing message to identify the creditor in full (Brazil, CDC art. 42-A). Sent only
   * when true; a workflow started before this field existed leaves it out, and the jurisdiction's policy decides.
   */
  requiresCreditorIdentification?: true;
  /** Changes the workflow had not recorded yet (e.g. why the step moved), written before the message is sent. */
  record?: AccountRecordChange[];
  /**
   * ISO instant after which the message must not go out: the close of the debtor's contact window (the engine's
   * `contactDeadline`). An attempt that finds it passed sends nothing and fails with ContactWindowClosed; absent
   * for workflows started before it existed and for channels no rule closes.
   */
  notAfter?: string;
}

export interface SendMessageResult {
  providerMessageId: string;
  /** `log` when no provider credentials are configured: nothing left the machine. */
  transport: 'twilio' | 'sendgrid' | 'log';
  status: 'queued' | 'sent';
  /** True when an earlier attempt of the same intent had already sent it and this call only returned its id. */
  deduplicated: boolean;
  /** SMS only: GSM-7 or UCS-2 and how many segments the body takes. */
  sms?: { encoding: 'GSM-7' | 'UCS-2'; segments: number };
  /**
   * The instant the send is recorded at in the audit trail, which the workflow applies it at: when the workflow
   * scheduled it, on the Temporal Service's clock (activities/acted-at.ts). Absent from results recorded before it.
   */
  sentAt?: string;
}

/**
 * Thrown (as a non-retryable ApplicationFailure of this type) when a channel can never work for this address:
 * invalid or unreachable number, opted-out recipient, hard bounce. `details[0]` is a {@link ChannelFailureDetails}.
 */
export { CHANNEL_PERMANENTLY_FAILED } from './engine/failure-types';
export interface ChannelFailureDetails {
  channel: Channel;
  /** Provider error code, e.g. Twilio `21211` or SendGrid `400`. */
  code: string;
  reason: 'invalid_address' | 'unreachable' | 'opted_out' | 'rejected' | 'misconfigured';
}

export interface CreateAgentTaskInput {
  accountId: string;
  /** Unique per workflow: a retried activity finds the task it already created. */
  taskKey: string;
  reason: string;
  template: string;
  balanceMinor: number;
  currency: string;
  jurisdiction: string;
  /** When the agent may call the debtor (ISO instants, the debtor's zone), or why no call may be made. */
  call?: AgentTaskCall;
  /** Changes the workflow had not recorded yet, written before the task is created. */
  record?: AccountRecordChange[];
}
export type AgentTaskCall =
  { allowed: true; opensAt: string; closesAt: string; zone: string } | { allowed: false; reason: string };
export interface CreateAgentTaskResult {
  taskId: string;
  created: boolean;
  /** When the task was created, as the audit trail records it (see SendMessageResult.sentAt). */
  createdAt?: string;
}

/** One change to the system of record, applied idempotently (unique keys + on conflict). */
export type AccountRecordChange =
  | { type: 'accountPlaced'; account: Account; ladderId: string; ladderVersion: number }
  | { type: 'status'; status: string; balanceMinor: number; creditMinor?: number }
  | { type: 'payment'; paymentId: string; amountMinor: number; paidAt: string; balanceAfterMinor: number }
  | {
      type: 'promise';
      promiseId: string;
      amountMinor: number;
      date: string;
      agentId: string;
      status: 'open' | 'kept' | 'broken' | 'cancelled';
    }
  | {
      type: 'agreement';
      agreementId: string;
      agentId: string;
      installments: Installment[];
      status: 'active' | 'completed' | 'broken' | 'cancelled';
    }
  | {
      type: 'optOut';
      channel: ContactChannel | 'all';
      source: string;
      address?: string;
      actor?: string;
      /** The keyword the debtor sent (STOP, BAJA, SAIR). */
      keyword?: string;
      /** When the request was received (the API's clock), when the signal says; else when it is recorded. */
      receivedAt?: string;
    }
  | {
      type: 'audit';
      at: string;
      actor: string;
      action: string;
      reason: string;
      data?: Record<string, unknown>;
      /** Idempotency key within the workflow; by default a hash of the whole event, `at` included. */
      key?: string;
    };

export interface RecordAccountChangesInput {
  accountId: string;
  changes: AccountRecordChange[];
}

/** The activities the dunning workflow schedules; `createActivities(deps)` returns an implementation of this. */
export interface DunningActivities {
  sendMessage: (input: SendMessageInput) => Promise<SendMessageResult>;
  createAgentTask: (input: CreateAgentTaskInput) => Promise<CreateAgentTaskResult>;
  recordAccountChanges: (input: RecordAccountChangesInput) => Promise<void>;
}

/** What runs on the messaging task queue, capped at the providers' throughput. */
export type MessagingActivities = Pick<DunningActivities, 'sendMessage'>;
/** What writes the system of record (and the agents' task queue), on the workflows' task queue. */
export type RecordActivities = Pick<DunningActivities, 'createAgentTask' | 'recordAccountChanges'>;
