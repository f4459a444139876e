import type { Account, Channel } from '../workflows/engine/account';
import type { PaymentInput } from '../workflows/engine/account-events';
import type { Ladder } from '../workflows/engine/ladder';
import type { AgentTaskStatus, OptOutChannel, OptOutSource } from '../db/schema';

/**
 * What the API needs from the system of record. Implemented over db/repositories in api/db-store.ts; routes
 * depend on this interface only, so a bench may swap in a stub when the database is not what it measures.
 */
export interface ApiStore {
  /** Readiness: resolves when the database answers. */
  ping(): Promise<void>;
  upsertAccount(input: {
    account: Account;
    ladderId: string;
    ladderVersion: number;
    /** The whole ladder: a workflow started later (by a payment) runs this snapshot. */
    ladder: Ladder;
    workflowId: string;
  }): Promise<void>;
  getAccount(accountId: string): Promise<Account | undefined>;
  /** The account with the ladder it was placed with (undefined for accounts placed before snapshots were kept). */
  getPlacedAccount(accountId: string): Promise<{ account: Account; ladder: Ladder | undefined } | undefined>;
  /** Idempotent by (accountId, paymentId): `duplicate` when it was already recorded. */
  recordPayment(
    accountId: string,
    payment: { paymentId: string; amountMinor: number; currency: string; paidAt: string }
  ): Promise<{ duplicate: boolean }>;
  /** Payments recorded for an account, oldest first: handed to a new workflow as pendingPayments. */
  listPayments(accountId: string): Promise<PaymentInput[]>;
  /** Accounts whose sms or whatsapp number is `phone` (E.164). */
  findAccountIdsByPhone(phone: string): Promise<string[]>;
  recordOptOut(o: {
    accountId: string;
    channel: OptOutChannel;
    address?: string;
    source: OptOutSource;
    keyword?: string;
    /** Who took it: the agent or back-office user who received the letter or the call. */
    actor?: string;
    at: Date;
  }): Promise<void>;
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
  /** Webhook deduplication: true the first time a key is marked, false afterwards. */
  markWebhookProcessed(key: string, data: { provider: string; accountId?: string; type: string }): Promise<boolean>;
  webhookAlreadyProcessed(key: string): Promise<boolean>;
}

export interface AgentTaskFilter {
  status?: AgentTaskStatus;
  assignee?: string;
  jurisdiction?: string;
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
