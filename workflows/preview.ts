import { z } from 'zod';
import { AccountSchema, ChannelSchema } from './account';
import {
  AgreementInputSchema,
  CancelInputSchema,
  DisputeOpenedInputSchema,
  DisputeResolvedInputSchema,
  PaymentInputSchema,
  PromiseInputSchema,
} from './account-events';
import { apply, type EngineEvent } from './engine-apply';
import { next, type PlannedAction } from './engine-next';
import { initialState, primaryZone, type EngineState } from './engine-state';
import { accountStatus } from './engine-status';
import { contactPolicyFor } from './jurisdictions';
import { LadderSchema, defaultLadder } from './ladder';
import type { AccountStatus } from './messages';
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
  timed('optOut', { channel: z.union([ChannelSchema, z.literal('all')]) }),
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
    if (!contactPolicyFor(s.account.debtor.jurisdiction))
      ctx.addIssue({
        code: 'custom',
        path: ['account', 'debtor', 'jurisdiction'],
        message: `unsupported jurisdiction ${s.account.debtor.jurisdiction}`,
      });
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
  kind: 'message' | 'agent_task';
  channel?: string;
  template?: string;
  amountMinor: number;
}

export interface PreviewSkip {
  step: string;
  reason: string;
  at?: string;
  movedTo?: string;
  rule?: string;
  detail?: string;
}

export interface PreviewResult {
  actions: PreviewAction[];
  skipped: PreviewSkip[];
  final: { status: AccountStatus; balanceMinor: number; stage: string };
}

/**
 * What the ladder will do to one account over a horizon, given timed events: exactly the `next` and `apply` the
 * workflow runs, with every send assumed to succeed unless an event says it failed.
 */
export function runPreview(input: unknown): PreviewResult {
  const scenario = PreviewScenarioSchema.parse(input);
  const policy = contactPolicyFor(scenario.account.debtor.jurisdiction)!;
  const startAt = Date.parse(scenario.startAt);
  const until = Date.parse(scenario.until);
  let state: EngineState = initialState(scenario.account, scenario.ladder ?? defaultLadder, policy, startAt);
  const events = scenario.events
    .map((e, order) => ({ e, at: Date.parse(e.at), order }))
    .sort((a, b) => a.at - b.at || a.order - b.order);
  const actions: PreviewAction[] = [];
  const skipped: PreviewSkip[] = [];
  const zone = primaryZone(state);
  let now = startAt;
  let sent = 0;
  const step = (event: EngineEvent) => {
    const applied = apply(state, event);
    state = applied.state;
    for (const r of applied.records) {
      if (r.outcome === 'moved' || r.outcome === 'skipped' || r.outcome === 'suppressed' || r.outcome === 'rejected') {
        skipped.push({
          step: r.step,
          reason: r.reason,
          at: r.at,
          ...(r.movedTo !== undefined && { movedTo: r.movedTo }),
          ...(r.rule !== undefined && { rule: r.rule }),
          ...(r.detail !== undefined && { detail: r.detail }),
        });
      }
    }
  };
  let guard = 0;
  while (guard++ < 100_000) {
    const decision = next(state, now);
    const pending = events[0];
    const actAt = decision.type === 'act' ? decision.at : Infinity;
    // An event at the same instant as an action comes first: a payment at 10:00 stops the 10:00 reminder.
    if (pending && pending.at <= actAt && pending.at <= until) {
      events.shift();
      now = Math.max(now, pending.at);
      step(toEngineEvent(pending.e, now, state));
      continue;
    }
    if (decision.type !== 'act' || decision.at > until) break;
    now = decision.at;
    step({ type: 'actionStarted', at: now, decision });
    const { action } = decision;
    if (action.kind === 'message' || action.kind === 'agent_task') {
      actions.push(view(action, now, zone));
      step({
        type: 'actionSucceeded',
        at: now,
        stepKey: action.stepKey,
        ...(action.channel !== undefined && { channel: action.channel, providerMessageId: `preview-${++sent}` }),
      });
    }
  }
  return {
    actions,
    skipped,
    final: { status: accountStatus(state), balanceMinor: state.balanceMinor, stage: state.lastStep ?? 'not_started' },
  };
}

function toEngineEvent(e: PreviewEvent, at: number, state: EngineState): EngineEvent {
  const { at: _at, ...rest } = e;
  switch (rest.type) {
    case 'deliveryFailed':
      return { type: 'deliveryStatus', at, channel: rest.channel, status: 'failed', permanent: rest.permanent };
    case 'optOut':
      return { type: 'optOut', at, channel: rest.channel, source: 'backend' };
    case 'promise':
      return { ...rest, at, promiseId: rest.promiseId ?? `promise-${state.promises.length + 1}` };
    default:
      return { ...rest, at };
  }
}

function view(action: PlannedAction, at: number, zone: string): PreviewAction {
  return {
    at: new Date(at).toISOString(),
    local: formatLocalIso(zone, at),
    step: action.stepKey,
    kind: action.kind === 'agent_task' ? 'agent_task' : 'message',
    ...(action.channel !== undefined && { channel: action.channel }),
    template: action.template,
    amountMinor: action.amountMinor,
  };
}
