import { addressFor, CONTACT_CHANNELS, type Channel, type ContactChannel } from './account';
import type { AccountStatus } from './account-status';
import { commitmentContextOf, type CommitmentContext } from './commitment-rules';
import type { DecisionRecord } from './decision-record';
import { next } from './next';
import type { EngineState } from './state';
import { primaryZone } from './state';
import { formatLocalIso } from './zoned-time';

/** The next action as the `status` query shows it. */
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
  /** Portfolio holds open: nothing is sent while any is. */
  holds: { holdId: string; reason: string; at: string }[];
  channels: Record<ContactChannel, 'available' | 'opted_out' | 'failed' | 'no_address'>;
  agentTasks: { taskKey: string; taskId?: string; reason: string; at: string }[];
  rejectedSignals: { at: string; signal: string; problem: string }[];
  recentDecisions: DecisionRecord[];
  /** What a new promise or agreement is checked against (the API checks before signalling). */
  commitments: CommitmentContext;
  /** An early-payment discount a message offered, while it holds: pay `amountMinor` by `validUntil` to settle. */
  discountOffer?: { step: string; amountMinor: number; validUntil: string; expiresAt: string };
}

/** The account's status as the `status` query and the API show it. */
export function statusOf(state: EngineState, now: number): DunningStatus {
  const decision = next(state, now);
  const zone = primaryZone(state);
  let nextAction: PlannedActionView | null = null;
  let waitReason: DunningStatus['waitReason'] = null;
  if (decision.type === 'act') {
    const { action } = decision;
    nextAction = {
      at: new Date(decision.at).toISOString(),
      local: formatLocalIso(zone, decision.at),
      step: action.stepKey,
      kind:
        action.kind === 'promise_check' || action.kind === 'installment_check'
          ? 'check'
          : action.kind === 'skip'
            ? 'check'
            : action.kind,
      ...(action.kind === 'message' && { channel: action.channel }),
      template: action.template,
      amountMinor: action.amountMinor,
    };
    if (decision.at > now) {
      const rule = [...decision.notes].reverse().find((n) => n.outcome === 'moved')?.rule;
      waitReason = {
        code: 'scheduled',
        detail: waitDetail(decision.notes, action.stepName, zone),
        until: nextAction.at,
        ...(rule !== undefined && { rule }),
      };
    }
  } else if (decision.type === 'wait') {
    waitReason = { code: decision.reason.code, detail: decision.reason.detail, until: null };
  }
  const channels = {} as DunningStatus['channels'];
  for (const ch of CONTACT_CHANNELS) {
    const s = state.channels[ch] ?? 'available';
    channels[ch] = s !== 'available' ? s : addressFor(state.account.debtor, ch) ? 'available' : 'no_address';
  }
  return {
    accountId: state.account.id,
    ladder: { id: state.ladder.id, version: state.ladder.version },
    status: accountStatus(state),
    stage: state.lastStep ?? 'not_started',
    balance: { amountMinor: state.balanceMinor, currency: state.account.balance.currency },
    paidMinor: state.paidMinor,
    creditMinor: state.creditMinor ?? 0,
    nextAction,
    waitReason,
    contacts: state.contacts.map((c) => ({
      at: new Date(c.at).toISOString(),
      step: c.stepKey,
      channel: c.channel,
      status: c.status,
      ...(c.providerMessageId !== undefined && { providerMessageId: c.providerMessageId }),
      ...(c.conversation !== undefined && { conversation: c.conversation }),
    })),
    promises: state.promises.map((p) => ({
      promiseId: p.promiseId,
      amountMinor: p.amountMinor,
      date: p.date,
      agentId: p.agentId,
      status: p.status,
      ...(p.decidedAt !== undefined && { decidedAt: new Date(p.decidedAt).toISOString() }),
    })),
    agreement: state.agreement && {
      agreementId: state.agreement.agreementId,
      agentId: state.agreement.agentId,
      status: state.agreement.status,
      installments: state.agreement.installments,
    },
    dispute: {
      open: state.dispute.open,
      ...(state.dispute.disputeId !== undefined && { disputeId: state.dispute.disputeId }),
      ...(state.dispute.openedAt !== undefined && { openedAt: new Date(state.dispute.openedAt).toISOString() }),
    },
    holds: (state.holds ?? []).map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
    channels,
    agentTasks: state.agentTasks.map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
    rejectedSignals: state.rejected.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
    recentDecisions: state.decisions.slice(-20),
    commitments: commitmentContextOf(state),
    ...(state.offer &&
      !state.terminal &&
      now < state.offer.expiresAt && {
        discountOffer: {
          step: state.offer.stepKey,
          amountMinor: state.offer.amountMinor,
          validUntil: state.offer.validUntil,
          expiresAt: new Date(state.offer.expiresAt).toISOString(),
        },
      }),
  };
}

export function accountStatus(state: EngineState): AccountStatus {
  if (state.terminal) return state.terminal;
  if (state.dispute.open) return 'disputed';
  if (state.ceased) return 'ceased';
  if (state.mode === 'promise') return 'promise_open';
  if (state.mode === 'agreement') return 'in_agreement';
  if (state.handoff === 'agent') return 'with_agent';
  return 'active';
}

/** "waiting for quiet hours to end in America/Bogota": what an SRE reads on a timer. */
export function waitDetail(
  notes: readonly { outcome: string; reason: string; detail?: string }[],
  stepName: string,
  zone: string
): string {
  const lastMove = [...notes].reverse().find((n) => n.outcome === 'moved');
  switch (lastMove?.reason) {
    case 'contact_window':
      return `${stepName}: waiting for quiet hours to end in ${zone}`;
    case 'public_holiday':
      return `${stepName}: waiting for the public holiday to pass in ${zone}`;
    case 'frequency_cap':
      return `${stepName}: waiting for the frequency cap to release`;
    case 'distinct_channels':
      return `${stepName}: waiting for the weekly channel limit to release`;
    default:
      return `${stepName}: scheduled`;
  }
}
