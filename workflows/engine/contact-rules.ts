import type { ContactChannel } from './account';
import type { ContactPolicy } from './contact-policy';
import { MS, addDays, instantAt, localParts, parseLocalTime } from './zoned-time';

/** A contact the caps count: sent messages that did not fail permanently, and agents' calls. */
export interface CountedContact {
  at: number;
  channel: ContactChannel;
  /** A call in which the agent spoke with the debtor. */
  conversation?: boolean;
}

export interface Move {
  from: number;
  to: number;
  reason: 'contact_window' | 'public_holiday' | 'frequency_cap' | 'distinct_channels';
  rule: string;
  zone: string;
  detail?: string;
}

export interface AllowedInstant {
  at: number;
  moves: Move[];
}

export interface ContactContext {
  policy: ContactPolicy;
  /** The debtor's zone, or every zone of the jurisdiction when it is unknown (a contact must suit all of them). */
  zones: readonly string[];
  channel: ContactChannel;
  contacts: readonly CountedContact[];
  /** Per-account spread within the first hour of a window, so 100k accounts do not all wake at 08:00:00. */
  jitterMs: number;
}

const holidaySets = new WeakMap<ContactPolicy, Set<string>>();
function holidaysOf(policy: ContactPolicy): Set<string> {
  let set = holidaySets.get(policy);
  if (!set) {
    set = new Set(policy.holidays.dates);
    holidaySets.set(policy, set);
  }
  return set;
}

const applies = (channels: readonly ContactChannel[] | undefined, channel: ContactChannel): boolean =>
  channels === undefined || channels.includes(channel);

/**
 * The earliest instant at or after `t` at which the policy allows contacting the debtor on `ctx.channel`, and
 * every move that led there with the rule that caused it. Never earlier than `t`.
 */
export function nextAllowedInstant(ctx: ContactContext, t: number): AllowedInstant {
  const moves: Move[] = [];
  const { policy, zones, channel } = ctx;
  for (let round = 0; round < 64; round++) {
    const start = t;
    for (const zone of zones) {
      for (const rule of policy.blockedDays) {
        if (!rule.publicHolidays || !applies(rule.channels, channel)) continue;
        const { date } = localParts(zone, t);
        if (holidaysOf(policy).has(date)) {
          const to = instantAt(zone, addDays(date, 1), 0);
          moves.push({ from: t, to, reason: 'public_holiday', rule: rule.rule, zone, detail: date });
          t = to;
        }
      }
      for (const rule of policy.windows) {
        if (!applies(rule.channels, channel)) continue;
        const to = windowOpening(rule.hours, zone, t, ctx.jitterMs);
        if (to !== t) {
          moves.push({ from: t, to, reason: 'contact_window', rule: rule.rule, zone });
          t = to;
        }
      }
    }
    for (const rule of policy.caps) {
      if (!applies(rule.channels, channel)) continue;
      const counted = ctx.contacts.filter(
        (c) => applies(rule.channels, c.channel) && (rule.count !== 'conversations' || c.conversation === true)
      );
      const to =
        rule.per === 'localDay'
          ? dayCapRelease(counted, rule.max, zones[0]!, t)
          : rollingCapRelease(counted, rule.max, rule.per.rollingDays * MS.DAY, t);
      if (to !== t) {
        moves.push({
          from: t,
          to,
          reason: 'frequency_cap',
          rule: rule.rule,
          zone: zones[0]!,
          detail: `max ${rule.max}`,
        });
        t = to;
      }
    }
    for (const rule of policy.distinctChannels) {
      const to = distinctChannelRelease(ctx.contacts, channel, rule.max, rule.rollingDays * MS.DAY, t);
      if (to !== t) {
        moves.push({
          from: t,
          to,
          reason: 'distinct_channels',
          rule: rule.rule,
          zone: zones[0]!,
          detail: `max ${rule.max}`,
        });
        t = to;
      }
    }
    if (t === start) return { at: t, moves };
  }
  throw new Error(`no allowed contact instant found for ${policy.jurisdiction} on ${channel}`);
}

/** `t` if inside the hours, else the next opening (plus jitter, kept inside the window's first hour). */
function windowOpening(hours: readonly ([string, string] | null)[], zone: string, t: number, jitterMs: number): number {
  const lp = localParts(zone, t);
  const today = hours[lp.weekday];
  if (today) {
    const from = parseLocalTime(today[0]);
    const to = parseLocalTime(today[1]);
    if (lp.minuteOfDay >= from && lp.minuteOfDay < to) return t;
    if (lp.minuteOfDay < from) return instantAt(zone, lp.date, from) + jitterMs;
  }
  for (let d = 1; d <= 7; d++) {
    const next = hours[(lp.weekday + d) % 7];
    if (next) return instantAt(zone, addDays(lp.date, d), parseLocalTime(next[0])) + jitterMs;
  }
  throw new Error('a contact window rule closes every day of the week');
}

function rollingCapRelease(contacts: readonly CountedContact[], max: number, spanMs: number, t: number): number {
  const inWindow = contacts.filter((c) => c.at > t - spanMs && c.at <= t).map((c) => c.at);
  if (inWindow.length < max) return t;
  inWindow.sort((a, b) => a - b);
  // Allowed again once enough of the counted contacts have left the rolling window.
  return inWindow[inWindow.length - max]! + spanMs;
}

function dayCapRelease(contacts: readonly CountedContact[], max: number, zone: string, t: number): number {
  const { date } = localParts(zone, t);
  const today = contacts.filter((c) => c.at <= t && localParts(zone, c.at).date === date).length;
  return today < max ? t : instantAt(zone, addDays(date, 1), 0);
}

function distinctChannelRelease(
  contacts: readonly CountedContact[],
  channel: ContactChannel,
  max: number,
  spanMs: number,
  t: number
): number {
  const latest = new Map<ContactChannel, number>();
  for (const c of contacts) {
    if (c.at > t - spanMs && c.at <= t) latest.set(c.channel, Math.max(latest.get(c.channel) ?? 0, c.at));
  }
  if (latest.has(channel) || latest.size < max) return t;
  const times = [...latest.values()].sort((a, b) => a - b);
  return times[latest.size - max]! + spanMs;
}

/** The instant a contact begun inside the rules must have happened by, and the rule that ends it there. */
export interface ContactDeadline {
  at: number;
  rule: string;
  zone: string;
}

/**
 * The first instant after `t` at which the policy stops allowing a contact on `channel` that it allows at `t`: the
 * close of today's contact window, or the start of a public holiday tomorrow, in any of the zones. Caps never close
 * a stretch (a later contact only leaves more of the rolling window behind, and a new local day has its own count),
 * so this is the deadline a send decided at `t` must meet; a send still queued or retried after it would be a
 * contact outside the hours the law allows (e.g. 12 CFR 1006.6(b)(1)(i), Ley 2300 art. 3). `null`: no rule closes it.
 */
export function contactDeadline(
  policy: ContactPolicy,
  zones: readonly string[],
  channel: ContactChannel,
  t: number
): ContactDeadline | null {
  let earliest = null as ContactDeadline | null;
  const consider = (at: number, rule: string, zone: string) => {
    if (at > t && (earliest === null || at < earliest.at)) earliest = { at, rule, zone };
  };
  for (const zone of zones) {
    const lp = localParts(zone, t);
    for (const rule of policy.windows) {
      const today = rule.hours[lp.weekday];
      if (!applies(rule.channels, channel) || !today) continue;
      consider(instantAt(zone, lp.date, parseLocalTime(today[1])), rule.rule, zone);
    }
    const tomorrow = addDays(lp.date, 1);
    for (const rule of policy.blockedDays) {
      if (rule.publicHolidays && applies(rule.channels, channel) && holidaysOf(policy).has(tomorrow))
        consider(instantAt(zone, tomorrow, 0), rule.rule, zone);
    }
  }
  return earliest;
}
