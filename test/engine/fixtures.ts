import type { Account, Channel } from '../../workflows/engine/account';
import type { DecisionRecord } from '../../workflows/engine/decision-record';
import type { ActDecision } from '../../workflows/engine/next';
import { initialState, type EngineState } from '../../workflows/engine/state';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { defaultLadder, type Ladder } from '../../workflows/engine/ladder';
import type { PlannedAction } from '../../workflows/engine/planned-action';
import { simulate, type Simulation, type SimulationOptions } from '../../workflows/engine/simulate';

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
  decision: ActDecision;
}

export interface DriveResult {
  state: EngineState;
  /** The messages and agent tasks that went out. */
  executed: Executed[];
  records: DecisionRecord[];
  /** Every `next` answer with the state and the instant it was asked at, for invariants over decisions. */
  asked: Simulation['asked'];
}

/** The engine's own simulation (the preview's), seen as the specs read it; at most 2000 turns unless told. */
export function drive(
  start: EngineState,
  opts: Omit<SimulationOptions, 'maxSteps'> & { maxSteps?: number }
): DriveResult {
  const sim = simulate(start, { ...opts, maxSteps: opts.maxSteps ?? 2000 });
  return {
    state: sim.state,
    executed: sim.actions.flatMap(({ at, decision, outcome }) =>
      outcome === 'ok' && (decision.action.kind === 'message' || decision.action.kind === 'agent_task')
        ? [{ at, decision }]
        : []
    ),
    records: sim.applied.flatMap((a) => a.records),
    asked: sim.asked,
  };
}

/** Wall clock in a zone, computed with Intl only (independent of workflows/engine/zoned-time.ts). */
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
