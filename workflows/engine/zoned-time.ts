/**
 * Local time in an IANA zone, for the policy engine. Instants are epoch milliseconds (UTC); local wall time exists
 * only here, at the edge. Offsets come from the runtime's ICU data through Intl (available and deterministic in
 * the workflow sandbox) and are memoised per 15-minute bucket: every real zone changes offset on a quarter hour,
 * and formatToParts costs ~4 µs, which alone would blow the engine's 5 µs-per-decision budget.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const BUCKET = 15 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone. */
export function isKnownZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** ICU's canonical name of a zone (`US/Eastern` → `America/New_York`); links it does not resolve stay as given. */
export function canonicalZone(zone: string): string {
  return formatterFor(zone).resolvedOptions().timeZone;
}

function computeOffsetMinutes(zone: string, epochMs: number): number {
  const parts = formatterFor(zone).formatToParts(epochMs);
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type);
    return p ? Number(p.value) : 0;
  };
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const truncated = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return Math.round((asUtc - truncated) / MINUTE);
}

/** Per zone, per UTC day: the day's offset when it is constant all day, else NaN (a transition day). */
const dayOffsetCache = new Map<string, Map<number, number>>();

function bucketOffset(zone: string, bucket: number): number {
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  let offset = cache.get(bucket);
  if (offset === undefined) {
    offset = computeOffsetMinutes(zone, bucket * BUCKET);
    cache.set(bucket, offset);
  }
  return offset;
}

/** Offset of local time from UTC in minutes at an instant (e.g. −300 for America/Bogota). */
export function offsetMinutes(zone: string, epochMs: number): number {
  // Fast path: almost every UTC day has one offset all day (zones change offset at most a few times a year), so
  // one lookup per zone-day instead of per 15-minute bucket; transition days fall back to the buckets.
  let days = dayOffsetCache.get(zone);
  if (!days) {
    days = new Map();
    dayOffsetCache.set(zone, days);
  }
  const day = Math.floor(epochMs / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = (day * DAY) / BUCKET;
    const startOffset = bucketOffset(zone, first);
    const endOffset = bucketOffset(zone, first + DAY / BUCKET - 1);
    // Equal ends with an offset change in between would need two transitions within one day: check the noon too.
    offset =
      startOffset === endOffset && bucketOffset(zone, first + DAY / BUCKET / 2) === startOffset ? startOffset : NaN;
    days.set(day, offset);
  }
  return offset === offset ? offset : bucketOffset(zone, Math.floor(epochMs / BUCKET));
}

export interface LocalParts {
  /** YYYY-MM-DD */
  date: string;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** Minutes since local midnight, 0…1439 */
  minuteOfDay: number;
  /** Epoch ms of the local wall clock read as if it were UTC: handy for day arithmetic. */
  wallMs: number;
}

export function localParts(zone: string, epochMs: number): LocalParts {
  const wallMs = epochMs + offsetMinutes(zone, epochMs) * MINUTE;
  const dayIndex = Math.floor(wallMs / DAY);
  return {
    date: dateFromDayIndex(dayIndex),
    weekday: (((dayIndex + 4) % 7) + 7) % 7,
    minuteOfDay: Math.floor((wallMs - dayIndex * DAY) / MINUTE),
    wallMs,
  };
}

/**
 * The instant at which the local wall clock in `zone` reads `date` + `minuteOfDay`. A wall time skipped by a DST
 * gap resolves to the first instant after the gap (later, never earlier); an ambiguous wall time in a DST overlap
 * resolves to its first occurrence.
 */
export function instantAt(zone: string, date: string, minuteOfDay: number): number {
  const wall = dayIndexOf(date) * DAY + minuteOfDay * MINUTE;
  // Two candidates cover both sides of any transition near this wall time.
  const before = wall - offsetMinutes(zone, wall - DAY) * MINUTE;
  const after = wall - offsetMinutes(zone, wall + DAY) * MINUTE;
  const beforeOk = before + offsetMinutes(zone, before) * MINUTE === wall;
  const afterOk = after === before ? beforeOk : after + offsetMinutes(zone, after) * MINUTE === wall;
  if (beforeOk && afterOk) return Math.min(before, after);
  if (beforeOk) return before;
  if (afterOk) return after;
  // In a gap: the wall time never happens; the gap ends at the transition, which lies between the candidates.
  let lo = Math.min(before, after);
  let hi = Math.max(before, after);
  const offLo = offsetMinutes(zone, lo);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetMinutes(zone, mid) === offLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Local ISO 8601 with offset, e.g. `2026-12-01T10:00:00-06:00`. */
export function formatLocalIso(zone: string, epochMs: number): string {
  const offset = offsetMinutes(zone, epochMs);
  const wall = new Date(epochMs + offset * MINUTE).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// Date strings and day indexes are converted on every decision; both maps stay small (one entry per calendar day).
const dayIndexCache = new Map<string, number>();
const dateCache = new Map<number, string>();

export function dayIndexOf(date: string): number {
  let d = dayIndexCache.get(date);
  if (d === undefined) {
    d = Math.floor(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY);
    if (dayIndexCache.size < 100_000) dayIndexCache.set(date, d);
  }
  return d;
}

export function dateFromDayIndex(dayIndex: number): string {
  let date = dateCache.get(dayIndex);
  if (date === undefined) {
    date = new Date(dayIndex * DAY).toISOString().slice(0, 10);
    if (dateCache.size < 100_000) dateCache.set(dayIndex, date);
  }
  return date;
}

export function addDays(date: string, days: number): string {
  return dateFromDayIndex(dayIndexOf(date) + days);
}

export function daysBetween(from: string, to: string): number {
  return dayIndexOf(to) - dayIndexOf(from);
}

export function parseLocalTime(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export const MS = { MINUTE, HOUR: 60 * MINUTE, DAY } as const;
