import type { Account, Channel } from '../workflows/engine/account';
import type { PaymentInput } from '../workflows/engine/account-events';
import type { Ladder } from '../workflows/engine/ladder';
import type { AgentTaskStatus, OptOutChannel, OptOutSource } from '../db/schema';
import type { UndeliveredEvent, UndeliveredOptOut } from '../db/repositories/inbox';
import type { AuditEventRecord } from '../db/repositories/audit-events';

/**
 * What the API needs from the system of record: it writes only its inbox, the audit log of what it did itself,
 * agent-task claims and webhook bookkeeping; the account's own state is written by the account's workflow. Implemented over db/repositories in api/db-store.ts; routes
 * depend on this interface only, so a bench may swap in a stub when the database is not what it measures.
 */
export interface ApiStore {
  /** Readiness: resolves when the database answers. */
  ping(): Promise<void>;
  /**
   * Records a placement in the inbox (the account and its ladder snapshot) before its workflow is started: a
   * workflow started later (by a payment's signal-with-start, when the placement's own start failed) runs it.
   */
  receivePlacement(placement: { account: Account; ladder: Ladder; segmentId?: string }): Promise<void>;
  /** The account as placed, with its ladder snapshot (undefined for accounts placed before snapshots were kept). */
  getPlacedAccount(
    accountId: string
  ): Promise<{ account: Account; ladder: Ladder | undefined; segmentId?: string } | undefined>;
  /** Records a payment in the inbox, idempotent by (accountId, paymentId): `duplicate` when it was received before. */
  receivePayment(
    accountId: string,
    payment: { paymentId: string; amountMinor: number; currency: string; paidAt: string }
  ): Promise<{ duplicate: boolean }>;
  /** Payments received for an account, oldest first: they travel with every start of its workflow. */
  listPayments(accountId: string): Promise<PaymentInput[]>;
  /** Accounts whose sms or whatsapp number is `phone` (E.164). */
  findAccountIdsByPhone(phone: string): Promise<string[]>;
  /** Records an opt-out or cease request in the inbox as received (with its evidence), before it is signalled. */
  receiveOptOut(
    accountId: string,
    o: {
      channel: OptOutChannel;
      address?: string;
      source: OptOutSource;
      keyword?: string;
      /** Who took it: the agent or back-office user who received the letter or the call. */
      actor?: string;
      receivedAt: string;
    }
  ): Promise<{ key: string }>;
  /** Opt-outs received for an account that no workflow has yet: they travel with every start of its workflow. */
  listUndeliveredOptOuts(accountId: string): Promise<UndeliveredOptOut[]>;
  /** Events no workflow has yet, received before `receivedBefore`, oldest first (the redelivery sweep's work). */
  listUndelivered(options: { receivedBefore: Date; limit: number }): Promise<UndeliveredEvent[]>;
  /** How many received events no workflow has yet. */
  countUndelivered(): Promise<number>;
  /** What became of inbox events: `delivery` is how the workflow got them, or why not (`closed:<status>`). */
  markDelivered(
    accountId: string,
    events: readonly { kind: 'placement' | 'payment' | 'opt_out'; key: string }[],
    delivery: string
  ): Promise<void>;
  /** Appends to the account's audit log (append-only, idempotent by the event's content). */
  appendAuditEvent(event: {
    accountId: string;
    actor: string;
    action: string;
    reason: string;
    data?: Record<string, unknown>;
    at: Date;
  }): Promise<void>;
  /** False when no contact attempt carries that provider id. */
  recordDeliveryStatus(
    providerMessageId: string,
    update: { status: 'queued' | 'sent' | 'delivered' | 'failed'; errorCode?: string; at: Date }
  ): Promise<boolean>;
  listAgentTasks(filter: AgentTaskFilter): Promise<{ items: AgentTaskView[]; nextCursor: string | null }>;
  getAgentTask(taskId: string): Promise<AgentTaskView | undefined>;
  claimAgentTask(taskId: string, assignee: string): Promise<AgentTaskView>;
  completeAgentTask(taskId: string, done: { outcome: string; note?: string; by: string }): Promise<AgentTaskView>;
  /** The account's audit log, oldest first: every decision of its workflow and every action of a person. */
  listAuditEvents(accountId: string): Promise<AuditEventRecord[]>;
  /** Webhook deduplication: true the first time a key is marked, false afterwards. */
  markWebhookProcessed(key: string, data: { provider: string; accountId?: string; type: string }): Promise<boolean>;
  webhookAlreadyProcessed(key: string): Promise<boolean>;
}

export interface AgentTaskFilter {
  status?: AgentTaskStatus;
  assignee?: string;
  jurisdiction?: string;
  accountId?: string;
  limit: number;
  cursor?: string;
}

export interface AgentTaskView {
  id: string;
  accountId: string;
  workflowId: string;
  taskKey: string;
  reason: string;
  template: string;
  jurisdiction: string;
  balance: { amountMinor: number; currency: string };
  status: AgentTaskStatus;
  assignee: string | null;
  outcome: string | null;
  note: string | null;
  createdAt: string;
  claimedAt: string | null;
  completedAt: string | null;
  /** When the agent may call the debtor under the contact rules, or why no call may be made; null for older tasks. */
  call: AgentTaskCallView | null;
}

export type AgentTaskCallView =
  | { allowed: true; opensAt: string; opensAtLocal: string; closesAt: string; closesAtLocal: string; zone: string }
  | { allowed: false; reason: string };

export type { Channel };
