import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Channel, ContactChannel } from './account';
import type { CommitmentContext } from './commitment-rules';
import {
  AgentContactInputSchema,
  AgreementInputSchema,
  CancelInputSchema,
  DeliveryStatusInputSchema,
  DisputeOpenedInputSchema,
  DisputeResolvedInputSchema,
  OptOutInputSchema,
  PaymentInputSchema,
  PromiseInputSchema,
  type AgentContactInput,
  type AgreementInput,
  type CancelInput,
  type DeliveryStatusInput,
  type DisputeOpenedInput,
  type DisputeResolvedInput,
  type OptOutInput,
  type PaymentInput,
  type PromiseInput,
} from './account-events';

/**
 * The dunning workflow's messages, shared by the workflow and the API. Every signal takes one object; the
 * workflow validates it again with the same schema, so a malformed signal is rejected (and shown in `status`)
 * instead of failing the workflow task.
 */
export const paymentReceivedSignal = defineSignal<[PaymentInput]>('paymentReceived');
export const promiseToPaySignal = defineSignal<[PromiseInput]>('promiseToPay');
export const agreementNegotiatedSignal = defineSignal<[AgreementInput]>('agreementNegotiated');
export const disputeOpenedSignal = defineSignal<[DisputeOpenedInput]>('disputeOpened');
export const disputeResolvedSignal = defineSignal<[DisputeResolvedInput]>('disputeResolved');
export const optOutSignal = defineSignal<[OptOutInput]>('optOut');
export const deliveryStatusSignal = defineSignal<[DeliveryStatusInput]>('deliveryStatus');
export const cancelSignal = defineSignal<[CancelInput]>('cancel');
export const agentContactSignal = defineSignal<[AgentContactInput]>('agentContact');

/** Each signal's name with the schema its payload must satisfy. */
export const signalSchemas = {
  paymentReceived: PaymentInputSchema,
  promiseToPay: PromiseInputSchema,
  agreementNegotiated: AgreementInputSchema,
  disputeOpened: DisputeOpenedInputSchema,
  disputeResolved: DisputeResolvedInputSchema,
  optOut: OptOutInputSchema,
  deliveryStatus: DeliveryStatusInputSchema,
  cancel: CancelInputSchema,
  agentContact: AgentContactInputSchema,
} as const;
export type SignalName = keyof typeof signalSchemas;

export const statusQuery = defineQuery<DunningStatus>('status');

export type AccountStatus =
  | 'active'
  | 'promise_open'
  | 'in_agreement'
  | 'disputed'
  | 'paid'
  | 'overpaid'
  | 'settled'
  | 'cancelled'
  | 'ceased'
  | 'dispute_upheld'
  | 'exhausted'
  | 'external_agency'
  | 'with_agent';

/** A decision the engine took: every action and every non-action carries a machine-readable reason. */
export interface DecisionRecord {
  at: string;
  step: string;
  outcome: 'acted' | 'moved' | 'skipped' | 'suppressed' | 'rejected' | 'recorded';
  /** Machine-readable, e.g. `contact_window`, `frequency_cap`, `superseded`, `channel_opted_out`. */
  reason: string;
  /** The rule that caused a move or a suppression, e.g. `US-FED:12 CFR 1006.6(b)(1)(i)`. */
  rule?: string;
  movedTo?: string;
  detail?: string;
}

export interface PlannedActionView {
  at: string;
  local: string;
  step: string;
  kind: 'message' | 'agent_task' | 'check' | 'end';
  channel?: Channel;
  template?: string;
  amountMinor: number;
}

/** What the `status` query returns: everything an agent or a backend needs to know about one account. */
export interface DunningStatus {
  accountId: string;
  ladder: { id: string; version: number };
  status: AccountStatus;
  /** The ladder stage reached, e.g. `day-1-sms`, or `not_started`. */
  stage: string;
  balance: { amountMinor: number; currency: string };
  paidMinor: number;
  /** Paid beyond the balance, owed back to the debtor. */
  creditMinor: number;
  nextAction: PlannedActionView | null;
  /** Why the account is waiting now, e.g. `waiting for quiet hours to end in America/Bogota`. */
  waitReason: {
    code: string;
    detail: string;
    until: string | null;
    /** The rule that moved the next action to `until`, e.g. `CO:Ley 2300 de 2023 art. 3`. */
    rule?: string;
  } | null;
  contacts: {
    at: string;
    step: string;
    channel: ContactChannel;
    providerMessageId?: string;
    status: string;
    conversation?: boolean;
  }[];
  promises: {
    promiseId: string;
    amountMinor: number;
    date: string;
    agentId: string;
    status: string;
    decidedAt?: string;
  }[];
  agreement: {
    agreementId: string;
    agentId: string;
    status: string;
    installments: { dueDate: string; amountMinor: number; status: string }[];
  } | null;
  dispute: { open: boolean; disputeId?: string; openedAt?: string };
  channels: Record<ContactChannel, 'available' | 'opted_out' | 'failed' | 'no_address'>;
  agentTasks: { taskKey: string; taskId?: string; reason: string; at: string }[];
  rejectedSignals: { at: string; signal: string; problem: string }[];
  recentDecisions: DecisionRecord[];
  /** What a new promise or agreement is checked against (the API checks before signalling). */
  commitments: CommitmentContext;
}
