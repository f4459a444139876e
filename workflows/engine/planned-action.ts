import type { Channel } from './account';
import type { DiscountQuote } from './early-payment-discount';
import type { LadderEnd } from './ladder';

/*
 * What `next` decides to do: one step of the ladder, a commitment's reminder or check, an agent task, a skip, or
 * the ladder's end. Each kind carries what only it needs.
 */

/** What every planned action carries, whatever its kind. */
export interface ActionBase {
  stepKey: string;
  stepName: string;
  template: string;
  amountMinor: number;
  /** The date the action refers to (due date, promised date, installment date), YYYY-MM-DD. */
  referenceDate: string;
  plannedAt: number;
  /** Ladder steps passed over because a later one is already due. */
  superseded: string[];
}

/** What only one kind of action carries: a message always has its channel and address, an end its outcome. */
export type ActionKindFields =
  /** `discount`: the early-payment discount the message offers (its ladder step's), quoted on the balance now. */
  | { kind: 'message'; channel: Channel; to: string; discount?: DiscountQuote }
  /** `reason`: why the task exists when it is not its ladder step's (e.g. `promise_broken`). */
  | { kind: 'agent_task'; reason?: string; call: CallPermission }
  /** Decided by `apply` alone: a promise kept or broken, an installment kept or missed. */
  | { kind: 'promise_check' | 'installment_check' }
  | { kind: 'skip'; reason: string }
  /** How the ladder's end ends collection. */
  | { kind: 'end'; outcome: LadderEnd };

export type PlannedAction = ActionBase & ActionKindFields;
export type ActionKind = PlannedAction['kind'];
export type MessageAction = Extract<PlannedAction, { kind: 'message' }>;
export type AgentTaskAction = Extract<PlannedAction, { kind: 'agent_task' }>;
export type CheckAction = Extract<PlannedAction, { kind: 'promise_check' | 'installment_check' }>;

/**
 * Agent tasks: when the law lets the agent call the debtor, or why no call may be made. The first allowed stretch
 * for an agent's call: from `opensAt` until `closesAt`, in the debtor's local rules.
 */
export type CallPermission =
  | { allowed: true; opensAt: number; closesAt: number; moves: { reason: string; rule: string }[] }
  | { allowed: false; reason: string };
