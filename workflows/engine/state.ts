import type { Account, Channel, ContactChannel } from './account';
import type { AccountStatus } from './account-status';
import type { ContactPolicy } from './contact-policy';
import type { DecisionRecord } from './decision-record';
import type { DiscountOffer } from './early-payment-discount';
import type { Ladder, LadderStep } from './ladder';
import { addDays, canonicalZone, instantAt, isKnownZone, parseLocalTime } from './zoned-time';

/**
 * Everything the engine knows about one account. Plain JSON, so it can be carried across continue-as-new and
 * shown by the preview; changed only by `apply`. What collection follows tells the three apart: the ladder, an
 * open promise (which exists exactly while it is followed), or an agreement (which stays on record after it was
 * broken, with the ladder back in charge).
 */
export type EngineState = LadderState | PromiseState | AgreementState;

export interface LadderState extends EngineStateFields {
  mode: 'ladder';
  promise: null;
}

export interface PromiseState extends EngineStateFields {
  mode: 'promise';
  promise: ActivePromise;
}

/** The agreement is active, or ended with the account (completed, cancelled) when `terminal` is set. */
export interface AgreementState extends EngineStateFields {
  mode: 'agreement';
  promise: null;
  agreement: AgreementRecord;
}

/** What every state holds, whatever collection follows. */
interface EngineStateFields {
  account: Account;
  /** Immutable snapshots: a configuration change never alters an account already in flight. */
  ladder: Ladder;
  policy: ContactPolicy;
  /** The debtor's zone, or null when unknown or invalid: then every zone of the jurisdiction must allow a contact. */
  zone: string | null;
  jitterMs: number;
  startedAt: number;
  /** Set once: paid, settled, cancelled, dispute_upheld, exhausted, external_agency. */
  terminal: AccountStatus | null;
  /** The ladder's end handed the account to an agent: no more automated messages (absent in older states). */
  handoff?: 'agent' | null;
  /** Never below zero: what is paid beyond the balance is `creditMinor`. */
  balanceMinor: number;
  paidMinor: number;
  /** Paid above the balance: owed back to the debtor (absent in older states, meaning 0). */
  creditMinor?: number;
  paymentIds: string[];
  /** Outcome of every ladder step and event step, by step key. */
  steps: Record<string, StepRecord>;
  /** Days the ladder has been pushed back by pauses (promises, agreements, disputes). */
  shiftDays: number;
  /** When the ladder stopped running (promise, agreement or dispute); null while it runs. */
  pausedAt: number | null;
  /** What stopped it (absent in older states). */
  pausedBy?: 'promise' | 'agreement' | 'dispute' | 'hold' | null;
  contacts: ContactRecord[];
  /** Per channel; `call` is the debtor's phone for agents (absent in states from before calls were tracked). */
  channels: Record<Channel, ChannelState> & { call?: ChannelState };
  /** A cease-communication request (12 CFR 1006.6(c)): no message on any channel. */
  ceased: boolean;
  dispute: { open: boolean; disputeId?: string; openedAt?: number };
  /** Portfolio holds open on the account: nothing is sent while any is (absent in states from before holds). */
  holds?: { holdId: string; reason: string; at: number }[];
  promises: PromiseRecord[];
  agreement: AgreementRecord | null;
  /** Agent tasks owed now (e.g. after a broken promise), created before anything else happens. */
  pendingTasks: { taskKey: string; reason: string; template: string }[];
  agentTasks: { taskKey: string; taskId?: string; reason: string; at: number }[];
  rejected: { at: number; signal: string; problem: string }[];
  /** Provider message ids and statuses already applied, so duplicated callbacks change nothing twice. */
  deliveryKeys: string[];
  /** Agents' call reports already applied (task and call time), so a retried completion counts once. */
  callReports?: string[];
  decisions: DecisionRecord[];
  lastStep: string | null;
  /** The early-payment discount a sent message offered, until settled, replaced or expired (absent: none). */
  offer?: DiscountOffer | null;
}

export interface StepRecord {
  outcome: 'sent' | 'task_created' | 'skipped' | 'superseded' | 'failed' | 'checked' | 'ended';
  at: number;
  channel?: Channel;
  reason?: string;
}

export type ChannelState = 'available' | 'opted_out' | 'failed';

export interface ContactRecord {
  at: number;
  stepKey: string;
  channel: ContactChannel;
  /** Calls only: the agent spoke with the debtor (Reg F's seven quiet days follow a conversation). */
  conversation?: boolean;
  providerMessageId?: string;
  /** `unknown`: the send's outcome was lost; it counts towards caps as if sent, since it may have been. */
  status: 'sent' | 'delivered' | 'failed' | 'unknown';
}

export interface ActivePromise {
  promiseId: string;
  amountMinor: number;
  date: string;
  agentId: string;
  madeAt: number;
  /** Total paid when the promise was made: payments after it count towards keeping it. */
  paidAtMake: number;
}

export interface PromiseRecord {
  promiseId: string;
  amountMinor: number;
  date: string;
  agentId: string;
  status: 'open' | 'kept' | 'broken' | 'cancelled';
  decidedAt?: number;
}

export interface AgreementRecord {
  agreementId: string;
  agentId: string;
  madeAt: number;
  paidAtMake: number;
  status: 'active' | 'completed' | 'broken' | 'cancelled';
  installments: { dueDate: string; amountMinor: number; status: 'pending' | 'kept' | 'missed' }[];
}

/** FNV-1a: a stable spread of accounts over the first hour of a window. */
export function jitterFor(accountId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 3600) * 1000;
}

/**
 * The zone contacts are timed in, and why. A zone outside the jurisdiction (UTC, or Madrid for a Mexican debtor) says
 * nothing reliable about where the debtor is, so it counts as unknown like a missing or invalid one: then a contact
 * must suit every zone of the jurisdiction, never the zone given.
 */
export function resolveZone(
  timezone: string | undefined,
  policy: ContactPolicy
): {
  zone: string | null;
  reason: 'timezone_in_jurisdiction' | 'timezone_missing' | 'timezone_invalid' | 'timezone_outside_jurisdiction';
} {
  if (timezone === undefined) return { zone: null, reason: 'timezone_missing' };
  if (!isKnownZone(timezone)) return { zone: null, reason: 'timezone_invalid' };
  const canonical = canonicalZone(timezone);
  const inside = policy.zones.find((z) => z === timezone || z === canonical);
  return inside
    ? { zone: inside, reason: 'timezone_in_jurisdiction' }
    : { zone: null, reason: 'timezone_outside_jurisdiction' };
}

export function initialState(account: Account, ladder: Ladder, policy: ContactPolicy, startedAt: number): EngineState {
  const resolved = resolveZone(account.debtor.timezone, policy);
  const decisions: DecisionRecord[] = [];
  if (resolved.zone === null) {
    const given =
      account.debtor.timezone === undefined
        ? 'no time zone was given'
        : `${account.debtor.timezone} is ${resolved.reason === 'timezone_invalid' ? 'not a known IANA zone' : `not a zone of ${policy.jurisdiction}`}`;
    decisions.push({
      at: new Date(startedAt).toISOString(),
      step: 'account',
      outcome: 'recorded',
      reason: resolved.reason,
      detail: `${given}: every contact must suit all ${policy.zones.length} zones of ${policy.jurisdiction}`,
    });
  }
  return {
    account,
    ladder,
    policy,
    zone: resolved.zone,
    jitterMs: jitterFor(account.id),
    startedAt,
    terminal: account.balance.amountMinor <= 0 ? 'paid' : null,
    mode: 'ladder',
    balanceMinor: account.balance.amountMinor,
    paidMinor: 0,
    paymentIds: [],
    steps: {},
    shiftDays: 0,
    pausedAt: null,
    contacts: [],
    channels: { sms: 'available', whatsapp: 'available', email: 'available', call: 'available' },
    ceased: false,
    dispute: { open: false },
    promise: null,
    promises: [],
    agreement: null,
    pendingTasks: [],
    agentTasks: [],
    rejected: [],
    deliveryKeys: [],
    decisions,
    lastStep: null,
  };
}

/** The zones a contact must suit: the debtor's own, or all of the jurisdiction's when it is unknown. */
export function zonesOf(state: EngineState): readonly string[] {
  return state.zone ? [state.zone] : state.policy.zones;
}

/** The zone local dates are read in (due dates, promised dates): the debtor's, else the jurisdiction's first. */
export function primaryZone(state: EngineState): string {
  const zone = state.zone ?? state.policy.zones[0];
  // The policy's schema requires a zone: a policy without one is a defect, not an account to guess a zone for.
  if (zone === undefined) throw new Error(`the contact policy of ${state.policy.jurisdiction} names no zone`);
  return zone;
}

/** Wall-clock instant of a local date and time in the account's zone, spread by the account's jitter. */
export function plannedInstant(state: EngineState, date: string, localTime: string): number {
  return instantAt(primaryZone(state), date, parseLocalTime(localTime)) + state.jitterMs;
}

/** When a ladder step is planned: its offset from the due date, pushed back by the days the ladder stood still. */
export function ladderStepInstant(state: EngineState, step: LadderStep): number {
  return plannedInstant(
    state,
    addDays(state.account.dueDate, step.trigger.offsetDays + state.shiftDays),
    step.localTime
  );
}
