import Holidays from 'date-holidays';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Account, Channel, ContactChannel } from '../../workflows/engine/account';
import { nextAllowedInstant, type CountedContact } from '../../workflows/engine/contact-rules';
import type { ContactPolicy } from '../../workflows/engine/contact-policy';
import type { EngineEvent } from '../../workflows/engine/apply';
import { jitterFor } from '../../workflows/engine/state';
import { contactPolicyFor, SUPPORTED_JURISDICTIONS } from '../../workflows/engine/jurisdictions';
import { defaultLadder } from '../../workflows/engine/ladder';
import { instantAt } from '../../workflows/engine/zoned-time';
import { channelOf, drive, stateFor, wall, type DriveResult } from './fixtures';

/** Fixed seed, overridable with FC_SEED=… to explore; printed so any failure can be replayed. */
const seed = Number(process.env.FC_SEED ?? 20_261_201);
const runs = (n: number) => ({ seed, numRuns: Number(process.env.FC_RUNS ?? n) });
console.log(`[properties] fast-check seed ${seed}`);

type ArbType<A> = A extends fc.Arbitrary<infer T> ? T : never;
const DAY = 86_400_000;
const MINUTE = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const T1 = Date.parse('2028-01-01T00:00:00Z');
const CHANNELS: Channel[] = ['sms', 'whatsapp', 'email'];

// ---------- independent oracles (Intl and date-holidays only, never workflows/engine/zoned-time.ts) ----------

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
const applies = (channels: readonly ContactChannel[] | undefined, ch: ContactChannel) =>
  !channels || channels.includes(ch);

const holidayCache = new Map<string, Set<string>>();
function isHoliday(policy: ContactPolicy, date: string): boolean {
  const key = `${policy.holidays.country}-${policy.holidays.state ?? ''}-${date.slice(0, 4)}`;
  let set = holidayCache.get(key);
  if (!set) {
    const cal = policy.holidays.state
      ? new Holidays(policy.holidays.country, policy.holidays.state)
      : new Holidays(policy.holidays.country);
    set = new Set(
      cal
        .getHolidays(Number(date.slice(0, 4)))
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10))
    );
    holidayCache.set(key, set);
  }
  return set.has(date);
}

/** Why contacting on `channel` at `t` would break a window or blocked-day rule in one of `zones`, or null. */
function windowViolation(
  policy: ContactPolicy,
  zones: readonly string[],
  channel: ContactChannel,
  t: number
): string | null {
  for (const zone of zones) {
    const w = wall(zone, t);
    for (const rule of policy.windows) {
      if (!applies(rule.channels, channel)) continue;
      const h = rule.hours[w.weekday];
      if (!h || w.minuteOfDay < hm(h[0]) || w.minuteOfDay >= hm(h[1]))
        return `${rule.rule}: ${zone} ${w.date} ${w.hhmm} (weekday ${w.weekday})`;
    }
    for (const rule of policy.blockedDays)
      if (rule.publicHolidays && applies(rule.channels, channel) && isHoliday(policy, w.date))
        return `${rule.rule}: ${zone} ${w.date} is a public holiday`;
  }
  return null;
}

/** Why adding a contact on `channel` at `t` to `before` would exceed a cap, or null. */
function capViolation(
  policy: ContactPolicy,
  dayZone: string,
  before: CountedContact[],
  channel: ContactChannel,
  t: number
) {
  const all = [...before, { at: t, channel }];
  for (const rule of policy.caps) {
    if (!applies(rule.channels, channel)) continue;
    const counted = all.filter((c) => applies(rule.channels, c.channel));
    const per = rule.per;
    const n =
      per === 'localDay'
        ? counted.filter((c) => wall(dayZone, c.at).date === wall(dayZone, t).date).length
        : counted.filter((c) => c.at > t - per.rollingDays * DAY && c.at <= t).length;
    if (n > rule.max) return `${rule.rule}: ${n} > ${rule.max}`;
  }
  for (const rule of policy.distinctChannels) {
    // A channel already used this week adds no channel; a new one must keep the count within the max.
    const inWindow = new Set(
      before.filter((c) => c.at > t - rule.rollingDays * DAY && c.at <= t).map((c) => c.channel)
    );
    if (!inWindow.has(channel) && inWindow.size + 1 > rule.max) return `${rule.rule}: ${inWindow.size + 1} channels`;
  }
  return null;
}

// ---------- generators ----------

const jurisdictionArb = fc.constantFrom(...SUPPORTED_JURISDICTIONS, 'US-TX');
const accountArb = jurisdictionArb.chain((jurisdiction) => {
  const policy = contactPolicyFor(jurisdiction)!;
  return fc.record({
    jurisdiction: fc.constant(jurisdiction),
    zone: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...policy.zones) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant('Mars/Olympus_Mons') }
    ),
    idNum: fc.integer({ min: 0, max: 10_000_000 }),
    hasPhone: fc.boolean(),
    hasWhatsapp: fc.boolean(),
    hasEmail: fc.boolean(),
    balance: fc.integer({ min: 1_000, max: 10_000_000 }),
    // Due dates over two years, so DST transitions (US, Spain, Chile-free) fall inside many ladders.
    dueDay: fc.integer({ min: 0, max: 700 }),
    startOffsetMin: fc.integer({ min: -10 * 1440, max: 20 * 1440 }),
  });
});

type Acc = ArbType<typeof accountArb>;

function buildAccount(a: Acc): { account: Account; startAt: number } {
  const dueMs = T0 + a.dueDay * DAY;
  const account: Account = {
    id: `acc-${a.jurisdiction.toLowerCase()}-${a.idNum}`,
    debtor: {
      name: 'Debtor',
      ...(a.hasPhone && { phone: '+5215512345678' }),
      ...(a.hasWhatsapp && { whatsapp: '+5215512345679' }),
      ...((a.hasEmail || (!a.hasPhone && !a.hasWhatsapp)) && { email: 'debtor@example.com' }),
      ...(a.zone !== undefined && { timezone: a.zone }),
      jurisdiction: a.jurisdiction,
      locale: 'es-MX',
    },
    balance: { amountMinor: a.balance, currency: 'MXN' },
    dueDate: new Date(dueMs).toISOString().slice(0, 10),
  };
  return { account, startAt: dueMs + a.startOffsetMin * MINUTE };
}

const HORIZON_MIN = 100 * 1440;
const eventArb = fc.oneof(
  fc.record({
    kind: fc.constant('payment' as const),
    at: fc.integer({ min: 0, max: HORIZON_MIN }),
    pid: fc.integer({ min: 1, max: 4 }),
    share: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 0.6, noNaN: true })),
  }),
  fc.record({
    kind: fc.constant('promise' as const),
    at: fc.integer({ min: 0, max: HORIZON_MIN }),
    inDays: fc.integer({ min: -2, max: 50 }),
    share: fc.double({ min: 0.05, max: 1.1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('agreement' as const),
    at: fc.integer({ min: 0, max: HORIZON_MIN }),
    firstIn: fc.integer({ min: -1, max: 20 }),
    gaps: fc.array(fc.integer({ min: 5, max: 31 }), { minLength: 0, maxLength: 3 }),
    share: fc.double({ min: 0.05, max: 0.3, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('disputeOpened' as const), at: fc.integer({ min: 0, max: HORIZON_MIN }) }),
  fc.record({
    kind: fc.constant('disputeResolved' as const),
    at: fc.integer({ min: 0, max: HORIZON_MIN }),
    upheld: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('optOut' as const),
    at: fc.integer({ min: 0, max: HORIZON_MIN }),
    channel: fc.constantFrom<Channel | 'all'>('sms', 'whatsapp', 'email', 'all'),
  }),
  fc.record({
    kind: fc.constant('deliveryStatus' as const),
    at: fc.integer({ min: 0, max: HORIZON_MIN }),
    channel: fc.constantFrom(...CHANNELS),
    failed: fc.boolean(),
    permanent: fc.boolean(),
    /** The driver names sends msg-1, msg-2, …: most callbacks echo one of them, some name none. */
    msg: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), at: fc.integer({ min: 0, max: HORIZON_MIN }) })
);
type Ev = ArbType<typeof eventArb>;

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

function buildEvent(e: Ev, startAt: number, balance: number): EngineEvent | undefined {
  const at = startAt + e.at * MINUTE;
  switch (e.kind) {
    case 'payment':
      return {
        type: 'payment',
        at,
        paymentId: `pay-${e.pid}`,
        amountMinor: Math.max(1, Math.round(balance * e.share)),
      };
    case 'promise':
      return {
        type: 'promise',
        at,
        promiseId: `p-${e.at}`,
        date: isoDay(at + e.inDays * DAY),
        amountMinor: Math.max(1, Math.round(balance * e.share)),
        agentId: 'agent-1',
      };
    case 'agreement': {
      let day = at + e.firstIn * DAY;
      const installments = [0, ...e.gaps].map((gap) => {
        day += gap * DAY;
        return { dueDate: isoDay(day), amountMinor: Math.max(1, Math.round(balance * e.share)) };
      });
      return { type: 'agreement', at, agreementId: `ag-${e.at}`, installments, agentId: 'agent-1' };
    }
    case 'disputeOpened':
      return { type: 'disputeOpened', at };
    case 'disputeResolved':
      return { type: 'disputeResolved', at, outcome: e.upheld ? 'upheld' : 'rejected' };
    case 'optOut':
      return { type: 'optOut', at, channel: e.channel, source: 'keyword' };
    case 'deliveryStatus':
      return {
        type: 'deliveryStatus',
        at,
        channel: e.channel,
        status: e.failed ? 'failed' : 'delivered',
        permanent: e.permanent,
        ...(e.msg !== undefined && { providerMessageId: `msg-${e.msg}` }),
      };
    case 'cancel':
      return { type: 'cancel', at, reason: 'other' };
  }
  return undefined;
}

const scenarioArb = fc.record({
  acc: accountArb,
  events: fc.array(eventArb, { maxLength: 8 }),
  /** Channels whose sends fail permanently (invalid number, hard bounce). */
  failing: fc.subarray(CHANNELS),
});

interface Scenario {
  policy: ContactPolicy;
  zones: readonly string[];
  dayZone: string;
  events: EngineEvent[];
  result: DriveResult;
  until: number;
}

function simulate(s: ArbType<typeof scenarioArb>): Scenario {
  const { account, startAt } = buildAccount(s.acc);
  const policy = contactPolicyFor(account.debtor.jurisdiction)!;
  const events = s.events.flatMap((e) => buildEvent(e, startAt, account.balance.amountMinor) ?? []);
  const state = stateFor(account, startAt);
  const until = startAt + (HORIZON_MIN + 60 * 1440) * MINUTE;
  const result = drive(state, {
    from: startAt,
    until,
    events,
    outcome: (d) =>
      d.action.kind === 'message' && s.failing.includes(d.action.channel)
        ? { permanent: true, reason: 'hard_bounce' }
        : 'ok',
  });
  const zones = state.zone ? [state.zone] : policy.zones;
  return { policy, zones, dayZone: zones[0]!, events: [...events].sort((a, b) => a.at - b.at), result, until };
}

/** The facts an executed message must respect, replayed from the events alone (not from the engine's state). */
function factsAt(sc: Scenario, t: number, balance: number) {
  let paid = 0;
  const seen = new Set<string>();
  let cancelled = false;
  let ceased = false;
  let disputeOpen = false;
  let upheld = false;
  const optedOut = new Set<ContactChannel>();
  const failed = new Set<Channel>();
  for (const e of sc.events) {
    if (e.at > t) break;
    if (e.type === 'payment' && !seen.has(e.paymentId)) {
      seen.add(e.paymentId);
      paid += e.amountMinor;
    }
    if (e.type === 'cancel') cancelled = true;
    if (e.type === 'optOut') {
      if (e.channel === 'all') ceased = true;
      else optedOut.add(e.channel);
    }
    if (e.type === 'disputeOpened') disputeOpen = true;
    if (e.type === 'disputeResolved' && disputeOpen) {
      disputeOpen = false;
      if (e.outcome === 'upheld') upheld = true;
    }
    if (e.type === 'deliveryStatus' && e.status === 'failed' && e.permanent) failed.add(e.channel);
  }
  return { fullyPaid: paid >= balance, cancelled, ceased, disputeOpen, upheld, optedOut, failed };
}

describe('properties over random accounts, zones (incl. DST) and event sequences', () => {
  it('no message outside the allowed window or on a blocked holiday, in local time (checked with Intl)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sc = simulate(s);
        for (const e of sc.result.executed) {
          const ch = channelOf(e.decision.action);
          if (!ch) continue;
          const v = windowViolation(sc.policy, sc.zones, ch, e.at);
          if (v) throw new Error(`${e.decision.action.stepKey} at ${new Date(e.at).toISOString()}: ${v}`);
        }
      }),
      runs(250)
    );
  });

  it('no contact after full payment, cancel, cease, opt-out or permanent failure of that channel, nor during a dispute', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sc = simulate(s);
        const balance = sc.result.state.account.balance.amountMinor;
        const permFailedBySend = new Map<ContactChannel, number>();
        for (const r of sc.result.state.contacts)
          if (r.status === 'failed' && !permFailedBySend.has(r.channel)) permFailedBySend.set(r.channel, r.at);
        for (const e of sc.result.executed) {
          const { stepKey } = e.decision.action;
          const channel = channelOf(e.decision.action);
          const f = factsAt(sc, e.at, balance);
          const where = `${stepKey} at ${new Date(e.at).toISOString()}`;
          expect(f.fullyPaid, where).toBe(false);
          expect(f.cancelled, where).toBe(false);
          expect(f.upheld, where).toBe(false);
          if (!channel) continue;
          expect(f.disputeOpen, where).toBe(false);
          expect(f.ceased, where).toBe(false);
          expect(f.optedOut.has(channel), where).toBe(false);
          expect(f.failed.has(channel), where).toBe(false);
          expect(s.failing.includes(channel), where).toBe(false);
        }
      }),
      runs(250)
    );
  });

  it('caps are never exceeded (per channel, across channels, per local day, distinct channels)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sc = simulate(s);
        const counted = sc.result.state.contacts.filter((c) => c.status !== 'failed');
        counted.forEach((c, i) => {
          const v = capViolation(sc.policy, sc.dayZone, counted.slice(0, i), c.channel, c.at);
          if (v) throw new Error(`${c.stepKey} at ${new Date(c.at).toISOString()}: ${v}`);
        });
      }),
      runs(250)
    );
  });

  it('each ladder step and agent task happens at most once (a re-send only after its first send failed permanently)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sc = simulate(s);
        const tasks = sc.result.executed
          .filter((e) => e.decision.action.kind !== 'message')
          .map((e) => e.decision.action.stepKey);
        expect(new Set(tasks).size).toBe(tasks.length);
        const live = sc.result.state.contacts.filter((c) => c.status !== 'failed').map((c) => c.stepKey);
        expect(new Set(live).size).toBe(live.length);
      }),
      runs(250)
    );
  });

  it('time never goes backwards: every decision is at or after now, and actions run in order', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sc = simulate(s);
        for (const { now, decision } of sc.result.asked)
          if (decision.type === 'act') expect(decision.at).toBeGreaterThanOrEqual(now);
        const ats = sc.result.executed.map((e) => e.at);
        expect(ats).toEqual([...ats].sort((a, b) => a - b));
      }),
      runs(250)
    );
  });

  it('a promise always gets its follow-up: kept, broken (with an agent task) or replaced, unless the account closed', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sc = simulate(s);
        const st = sc.result.state;
        const taskKeys = new Set(st.agentTasks.map((t) => t.taskKey));
        for (const p of st.promises) {
          if (p.status === 'open') {
            // Only an account that closed, or a dispute still open at the horizon, leaves a promise open.
            expect(st.terminal !== null || st.dispute.open, `promise ${p.promiseId} never followed up`).toBe(true);
          }
          if (p.status === 'broken' && st.terminal === null)
            expect(taskKeys.has(`promise-broken:${p.promiseId}`), `no agent task for ${p.promiseId}`).toBe(true);
        }
      }),
      runs(250)
    );
  });
});

describe('properties of the contact rules', () => {
  const zoneArb = jurisdictionArb.chain((j) =>
    fc.record({ j: fc.constant(j), zone: fc.option(fc.constantFrom(...contactPolicyFor(j)!.zones), { nil: null }) })
  );
  const contactsArb = fc.array(
    fc.record({ back: fc.integer({ min: 0, max: 10 * 1440 }), channel: fc.constantFrom(...CHANNELS) }),
    { maxLength: 6 }
  );

  it('nextAllowedInstant is never earlier, is allowed in local time, and is a fixed point', () => {
    fc.assert(
      fc.property(
        zoneArb,
        fc.integer({ min: T0, max: T1 }),
        fc.constantFrom(...CHANNELS),
        contactsArb,
        fc.integer({ min: 0, max: 10_000 }),
        ({ j, zone }, t, channel, past, id) => {
          const policy = contactPolicyFor(j)!;
          const zones = zone ? [zone] : policy.zones;
          const contacts = past.map((c) => ({ at: t - c.back * MINUTE, channel: c.channel }));
          const ctx = { policy, zones, channel, contacts, jitterMs: jitterFor(`acc-${id}`) };
          const r = nextAllowedInstant(ctx, t);
          expect(r.at).toBeGreaterThanOrEqual(t);
          expect(windowViolation(policy, zones, channel, r.at)).toBeNull();
          expect(capViolation(policy, zones[0]!, contacts, channel, r.at)).toBeNull();
          expect(nextAllowedInstant(ctx, r.at)).toEqual({ at: r.at, moves: [] });
          // Every move goes forward and names its rule.
          for (const m of r.moves) {
            expect(m.to).toBeGreaterThan(m.from);
            expect(m.rule.length).toBeGreaterThan(0);
          }
          if (r.moves.length === 0) expect(r.at).toBe(t);
        }
      ),
      runs(1500)
    );
  });

  it('a moved contact lands within the first hour after a window opening in its zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ['MX', 'America/Mexico_City'],
          ['CO', 'America/Bogota'],
          ['BR', 'America/Sao_Paulo'],
          ['ES', 'Europe/Madrid'],
          ['US-MA', 'America/New_York'],
          ['US-FL', 'America/Chicago']
        ),
        fc.integer({ min: T0, max: T1 }),
        fc.integer({ min: 0, max: 10_000 }),
        ([j, zone], t, id) => {
          const policy = contactPolicyFor(j)!;
          const r = nextAllowedInstant(
            { policy, zones: [zone], channel: 'sms', contacts: [], jitterMs: jitterFor(`a-${id}`) },
            t
          );
          if (r.moves.length === 0) return;
          const w = wall(zone, r.at);
          const opening = Math.max(...policy.windows.map((x) => hm(x.hours[w.weekday]![0])));
          expect(w.minuteOfDay).toBeGreaterThanOrEqual(opening);
          // The account's spread is under an hour (jitterFor), and no window of these zones opens in a DST gap.
          expect(w.minuteOfDay).toBeLessThan(opening + 60);
        }
      ),
      runs(1500)
    );
  });

  it('instantAt never resolves to a wall time earlier than asked, in zones with DST', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'America/New_York',
          'America/Chicago',
          'America/Los_Angeles',
          'Europe/Madrid',
          'Atlantic/Canary',
          'America/Anchorage'
        ),
        fc.integer({ min: 0, max: 730 }),
        fc.integer({ min: 0, max: 1439 }),
        (zone, d, minute) => {
          const date = new Date(T0 + d * DAY).toISOString().slice(0, 10);
          const t = instantAt(zone, date, minute);
          const w = wall(zone, t);
          expect(w.date).toBe(date);
          expect(w.minuteOfDay).toBeGreaterThanOrEqual(minute);
          expect(w.minuteOfDay - minute).toBeLessThanOrEqual(60); // only a DST gap moves it, by at most an hour
          if (w.minuteOfDay !== minute) expect(wall(zone, t - MINUTE).minuteOfDay).toBeLessThan(minute); // gap end
        }
      ),
      runs(3000)
    );
  });

  it('the default ladder is the one every property scenario runs', () => {
    expect(defaultLadder.steps.map((s) => s.id)).toEqual([
      'pre-due-nudge',
      'day-1-sms',
      'week-1-email',
      'agent-task',
      'final-notice',
      'ladder-end',
    ]);
  });
});
