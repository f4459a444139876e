import type { Account, Channel } from '../../workflows/account';
import { apply, type EngineEvent } from '../../workflows/engine-apply';
import { next, type Decision } from '../../workflows/engine-next';
import type { PlannedAction } from '../../workflows/planned-action';
import { initialState, type EngineState } from '../../workflows/engine-state';
import { contactPolicyFor } from '../../workflows/jurisdictions';
import { defaultLadder, type Ladder } from '../../workflows/ladder';
import type { DecisionRecord } from '../../workflows/messages';

/** The engine specs' debtors, one per supported jurisdiction, are the shared scenario personas. */
export { ana, camila, emily, joao, lucia } from '../../scenarios/personas';

export const ms = (iso: string): number => Date.parse(iso);
export const iso = (t: number): string => new Date(t).toISOString();

export function stateFor(account: Account, startAt: string | number, ladder: Ladder = defaultLadder): EngineState {
  const policy = contactPolicyFor(account.debtor.jurisdiction);
  if (!policy) throw new Error(`no policy for ${account.debtor.jurisdiction}`);
  return initialState(account, ladder, policy, typeof startAt === 'number' ? startAt : ms(startAt));
}

export interface Executed {
  at: number;
  decision: Extract<Decision, { type: 'act' }>;
}

/** What happens to an action the driver executes. */
export type Outcome = 'ok' | { permanent: boolean; reason: string };

export interface DriveResult {
  state: EngineState;
  executed: Executed[];
  records: DecisionRecord[];
  /** Every `next` answer with the instant it was asked at, for invariants over decisions. */
  asked: { now: number; decision: Decision }[];
}

/**
 * Drives `next`/`apply` exactly like the workflow and the preview: events at or before the next action come first,
 * actions run at their decided instant and succeed unless `outcome` says otherwise.
 */
export function drive(
  start: EngineState,
  opts: {
    from: number;
    until: number;
    events?: readonly EngineEvent[];
    outcome?: (d: Extract<Decision, { type: 'act' }>) => Outcome;
    maxSteps?: number;
  }
): DriveResult {
  let state = start;
  const events = [...(opts.events ?? [])].sort((a, b) => a.at - b.at);
  const executed: Executed[] = [];
  const records: DecisionRecord[] = [];
  const asked: DriveResult['asked'] = [];
  let now = opts.from;
  let msgId = 0;
  const step = (e: EngineEvent) => {
    const r = apply(state, e);
    state = r.state;
    records.push(...r.records);
  };
  for (let guard = 0; guard < (opts.maxSteps ?? 2000); guard++) {
    const decision = next(state, now);
    asked.push({ now, decision });
    const pending = events[0];
    const actAt = decision.type === 'act' ? decision.at : Infinity;
    if (pending && pending.at <= actAt && pending.at <= opts.until) {
      events.shift();
      now = Math.max(now, pending.at);
      step({ ...pending, at: now });
      continue;
    }
    if (decision.type !== 'act' || decision.at > opts.until) break;
    now = decision.at;
    step({ type: 'actionStarted', at: now, decision });
    const { action } = decision;
    if (action.kind !== 'message' && action.kind !== 'agent_task') continue;
    const outcome = opts.outcome?.(decision) ?? 'ok';
    if (outcome === 'ok') {
      executed.push({ at: now, decision });
      step({
        type: 'actionSucceeded',
        at: now,
        stepKey: action.stepKey,
        ...(action.kind === 'message' && { channel: action.channel, providerMessageId: `msg-${++msgId}` }),
        ...(action.kind === 'agent_task' && { taskId: `task-${++msgId}` }),
      });
    } else {
      step({
        type: 'actionFailed',
        at: now,
        stepKey: action.stepKey,
        ...(action.kind === 'message' && { channel: action.channel }),
        permanent: outcome.permanent,
        reason: outcome.reason,
      });
    }
  }
  return { state, executed, records, asked };
}

/** Wall clock in a zone, computed with Intl only (independent of workflows/zoned-time.ts). */
const fmts = new Map<string, Intl.DateTimeFormat>();
export function wall(zone: string, t: number): { date: string; weekday: number; minuteOfDay: number; hhmm: string } {
  let f = fmts.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    fmts.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(t)) p[part.type] = part.value;
  const hour = Number(p.hour) % 24;
  const minute = Number(p.minute);
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday,
    minuteOfDay: hour * 60 + minute,
    hhmm: `${String(hour).padStart(2, '0')}:${p.minute}`,
  };
}

/** Local `HH:MM:SS` of an instant in a zone (Intl only). */
export function localClock(zone: string, t: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(t);
}

export const messages = (r: DriveResult) => r.executed.filter((e) => e.decision.action.kind === 'message');

/** The channel an action goes out on: messages only. */
export const channelOf = (action: PlannedAction): Channel | undefined =>
  action.kind === 'message' ? action.channel : undefined;
