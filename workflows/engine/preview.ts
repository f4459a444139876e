import { z } from 'zod';
import { AccountSchema, ChannelSchema, ContactChannelSchema, type Channel } from './account';
import {
  AGENT_CONTACT_OUTCOMES,
  AgreementInputSchema,
  CancelInputSchema,
  DisputeOpenedInputSchema,
  DisputeResolvedInputSchema,
  PaymentInputSchema,
  PromiseInputSchema,
} from './account-events';
import type { AccountStatus } from './account-status';
import type { EngineEvent } from './event';
import { initialState, primaryZone } from './state';
import { accountStatus } from './status';
import { contactPolicyFor } from './jurisdictions';
import { LadderSchema, defaultLadder, type LadderEnd } from './ladder';
import type { PlannedAction } from './planned-action';
import { placementProblems } from './placement-problems';
import {
  emptyDecisions,
  fileDecisions,
  type PreviewMove,
  type PreviewNote,
  type PreviewRejection,
} from './preview-decisions';
import { simulate } from './simulate';
import { formatLocalIso } from './zoned-time';

const instant = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 instant such as 2026-11-20T15:00:00Z' });
const timed = <K extends string, T extends z.ZodRawShape>(type: K, shape: T) =>
  z.strictObject({ at: instant, type: z.literal(type), ...shape });

export const PreviewEventSchema = z.discriminatedUnion('type', [
  timed('payment', PaymentInputSchema.shape),
  timed('promise', PromiseInputSchema.shape),
  timed('agreement', AgreementInputSchema.shape),
  timed('disputeOpened', DisputeOpenedInputSchema.shape),
  timed('disputeResolved', DisputeResolvedInputSchema.shape),
  timed('optOut', { channel: z.union([ContactChannelSchema, z.literal('all')]) }),
  // What an agent's call came to, as the task's completion reports it: it counts towards the caps like a real one.
  timed('agentCall', {
    taskKey: z.string().min(1),
    outcome: z.enum(AGENT_CONTACT_OUTCOMES),
    agentId: z.string().min(1),
  }),
  timed('deliveryFailed', { channel: ChannelSchema, permanent: z.boolean() }),
  timed('cancel', CancelInputSchema.shape),
]);
export type PreviewEvent = z.infer<typeof PreviewEventSchema>;

export const PreviewScenarioSchema = z
  .strictObject({
    account: AccountSchema,
    startAt: instant,
    until: instant,
    ladder: LadderSchema.nullable().default(null),
    events: z.array(PreviewEventSchema).max(10_000).default([]),
  })
  .superRefine((s, ctx) => {
    if (Date.parse(s.until) <= Date.parse(s.startAt))
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until must be after startAt' });
    if (Date.parse(s.until) - Date.parse(s.startAt) > 3 * 366 * 86_400_000)
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'the horizon may not exceed three years' });
    // The placement's own rules; the creditor's accepted currencies and CREDITOR_* are deployment settings the
    // preview does not read, so any ISO 4217 currency passes and the scenario's creditor is the one checked.
    const policy = contactPolicyFor(s.account.debtor.jurisdiction);
    for (const p of placementProblems(s.account, s.ladder ?? defaultLadder, policy))
      ctx.addIssue({ code: 'custom', path: ['account', ...p.field.split('.')], message: p.message });
    s.events.forEach((e, i) => {
      if (Date.parse(e.at) < Date.parse(s.startAt))
        ctx.addIssue({ code: 'custom', path: ['events', i, 'at'], message: 'events may not precede startAt' });
    });
  });
export type PreviewScenario = z.input<typeof PreviewScenarioSchema>;

export interface PreviewAction {
  at: string;
  local: string;
  step: string;
  /** `end`: the ladder's end step, which ends collection (its `outcome`) or hands the account to an agent. */
  kind: 'message' | 'agent_task' | 'end';
  channel?: Channel;
  to?: string;
  template: string;
  /** What the message quotes (the balance, or the promised or installment amount); the balance for tasks and ends. */
  amountMinor: number;
  /** The date the message refers to (due date, promised date, installment date). */
  referenceDate: string;
  /** Messages offering an early-payment discount: the amount that settles the account, and the last local day. */
  discount?: { amountMinor: number; validUntil: string };
  /** An agent task created for a reason other than its ladder step, e.g. `promise_broken`. */
  reason?: string;
  outcome?: LadderEnd;
  /** Agent tasks: when the law lets the agent call the debtor (local times in the account's zone), or why not. */
  call?:
    | { allowed: true; opensAt: string; opensLocal: string; closesAt: string; closesLocal: string }
    | { allowed: false; reason: string };
}

export interface PreviewResult {
  /** Who is previewed, and the zone every `local` time is in. */
  account: { id: string; name: string; jurisdiction: string; zone: string; locale: string; currency: string };
  actions: PreviewAction[];
  /** Steps the contact rules moved, one entry per step from its planned instant to the instant it runs. */
  moved: PreviewMove[];
  /** Steps held back by the account's situation (a promise, an agreement, a dispute, a cease request). */
  suppressed: PreviewNote[];
  /** Steps and channels passed over, and events that changed nothing, each with its reason. */
  skipped: PreviewNote[];
  /** Events the engine refused, as it refuses a signal. */
  rejected: PreviewRejection[];
  /** `creditMinor`: paid beyond the balance, owed back to the debtor (only when there is any). */
  final: { status: AccountStatus; balanceMinor: number; creditMinor?: number; stage: string };
}

/**
 * What the ladder will do to one account over a horizon, given timed events: exactly the `next` and `apply` the
 * workflow runs (see simulate.ts), with every send assumed to succeed unless an event says it failed.
 */
export function runPreview(input: unknown): PreviewResult {
  const scenario = PreviewScenarioSchema.parse(input);
  const policy = contactPolicyFor(scenario.account.debtor.jurisdiction);
  // The scenario's schema accepts only jurisdictions with a contact policy.
  if (!policy) throw new Error(`no contact policy for ${scenario.account.debtor.jurisdiction}`);
  const startAt = Date.parse(scenario.startAt);
  const until = Date.parse(scenario.until);
  const start = initialState(scenario.account, scenario.ladder ?? defaultLadder, policy, startAt);
  const zone = primaryZone(start);
  const { state, applied, actions } = simulate(start, {
    from: startAt,
    until,
    events: scenario.events.map(toEngineEvent),
    maxSteps: 100_000,
  });
  const decisions = emptyDecisions();
  for (const a of applied) fileDecisions(decisions, a.records, zone);
  const { account } = scenario;
  return {
    account: {
      id: account.id,
      name: account.debtor.name,
      jurisdiction: policy.jurisdiction,
      zone,
      locale: account.debtor.locale,
      currency: account.balance.currency,
    },
    actions: actions.flatMap(({ at, decision: { action } }) =>
      action.kind === 'message' || action.kind === 'agent_task' || action.kind === 'end' ? [view(action, at, zone)] : []
    ),
    ...decisions,
    final: {
      status: accountStatus(state),
      balanceMinor: state.balanceMinor,
      ...(state.creditMinor ? { creditMinor: state.creditMinor } : {}),
      stage: state.lastStep ?? 'not_started',
    },
  };
}

function toEngineEvent(e: PreviewEvent): EngineEvent {
  const { at: instant, ...rest } = e;
  const at = Date.parse(instant);
  switch (rest.type) {
    case 'deliveryFailed':
      return { type: 'deliveryStatus', at, channel: rest.channel, status: 'failed', permanent: rest.permanent };
    case 'optOut':
      return { type: 'optOut', at, channel: rest.channel, source: 'backend' };
    case 'agentCall':
      return { type: 'agentContact', at, taskKey: rest.taskKey, outcome: rest.outcome, agentId: rest.agentId };
    default:
      return { ...rest, at };
  }
}

function view(action: PlannedAction, at: number, zone: string): PreviewAction {
  return {
    at: new Date(at).toISOString(),
    local: formatLocalIso(zone, at),
    step: action.stepKey,
    kind: action.kind === 'agent_task' || action.kind === 'end' ? action.kind : 'message',
    ...(action.kind === 'message' && { channel: action.channel, to: action.to }),
    ...(action.kind === 'message' && action.discount && { discount: action.discount }),
    template: action.template,
    amountMinor: action.amountMinor,
    referenceDate: action.referenceDate,
    ...(action.kind === 'agent_task' && action.reason !== undefined && { reason: action.reason }),
    ...(action.kind === 'end' && { outcome: action.outcome }),
    ...(action.kind === 'agent_task' && {
      call: action.call.allowed
        ? {
            allowed: true,
            opensAt: new Date(action.call.opensAt).toISOString(),
            opensLocal: formatLocalIso(zone, action.call.opensAt),
            closesAt: new Date(action.call.closesAt).toISOString(),
            closesLocal: formatLocalIso(zone, action.call.closesAt),
          }
        : { allowed: false, reason: action.call.reason },
    }),
  };
}
