import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  formatLocalIso,
  instantAt,
  isKnownZone,
  localParts,
  offsetMinutes,
} from '../../workflows/engine/zoned-time';
import { ms, wall } from './fixtures';

const MIN = 60_000;

describe('zoned-time: offsets and local parts', () => {
  it('reads Bogotá as UTC−05:00 all year (no DST)', () => {
    expect(offsetMinutes('America/Bogota', ms('2026-01-15T12:00:00Z'))).toBe(-300);
    expect(offsetMinutes('America/Bogota', ms('2026-07-15T12:00:00Z'))).toBe(-300);
  });

  it('reads Mexico City as UTC−06:00 in summer too, since Mexico abolished DST in 2022', () => {
    expect(offsetMinutes('America/Mexico_City', ms('2026-07-01T12:00:00Z'))).toBe(-360);
  });

  it('switches New York from −05:00 to −04:00 exactly at 2026-03-08 07:00Z', () => {
    expect(offsetMinutes('America/New_York', ms('2026-03-08T06:59:00Z'))).toBe(-300);
    expect(offsetMinutes('America/New_York', ms('2026-03-08T07:00:00Z'))).toBe(-240);
  });

  it('switches Madrid from +02:00 back to +01:00 exactly at 2026-10-25 01:00Z', () => {
    expect(offsetMinutes('Europe/Madrid', ms('2026-10-25T00:59:00Z'))).toBe(120);
    expect(offsetMinutes('Europe/Madrid', ms('2026-10-25T01:00:00Z'))).toBe(60);
  });

  it('gives local date, weekday and minute of day that agree with Intl on a Sunday evening in São Paulo', () => {
    const t = ms('2026-12-07T01:30:00Z'); // Sunday 2026-12-06 22:30 in São Paulo (−03:00)
    const lp = localParts('America/Sao_Paulo', t);
    expect(lp).toMatchObject({ date: '2026-12-06', weekday: 0, minuteOfDay: 22 * 60 + 30 });
    expect(wall('America/Sao_Paulo', t)).toMatchObject({
      date: lp.date,
      weekday: lp.weekday,
      minuteOfDay: lp.minuteOfDay,
    });
  });

  it('knows real IANA zones and refuses invented ones', () => {
    expect(isKnownZone('Europe/Madrid')).toBe(true);
    expect(isKnownZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('formats a local ISO instant with its offset', () => {
    expect(formatLocalIso('America/Mexico_City', ms('2026-12-02T16:55:23Z'))).toBe('2026-12-02T10:55:23-06:00');
    expect(formatLocalIso('Europe/Madrid', ms('2026-07-01T08:00:00Z'))).toBe('2026-07-01T10:00:00+02:00');
  });

  it('does calendar arithmetic across month and year ends', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-12-01', '2027-01-01')).toBe(31);
  });
});

describe('zoned-time: instantAt across DST transitions', () => {
  it('maps an ordinary New York wall time to the one instant that shows it', () => {
    expect(instantAt('America/New_York', '2026-12-01', 10 * 60)).toBe(ms('2026-12-01T15:00:00Z'));
  });

  it('resolves 02:30 on 2026-03-08 in New York (skipped by the spring-forward gap) to 03:00 EDT, later not earlier', () => {
    const t = instantAt('America/New_York', '2026-03-08', 2 * 60 + 30);
    expect(t).toBe(ms('2026-03-08T07:00:00Z'));
    expect(wall('America/New_York', t).hhmm).toBe('03:00');
  });

  it('resolves 01:30 on 2026-11-01 in New York (repeated by the fall-back overlap) to its first occurrence, EDT', () => {
    const t = instantAt('America/New_York', '2026-11-01', 90);
    expect(t).toBe(ms('2026-11-01T05:30:00Z'));
    expect(t + 60 * MIN).toBe(ms('2026-11-01T06:30:00Z')); // the second 01:30, EST
    expect(wall('America/New_York', t + 60 * MIN).hhmm).toBe('01:30');
  });

  it('resolves 02:15 on 2026-03-29 in Madrid (spring-forward gap) to 03:00 CEST', () => {
    const t = instantAt('Europe/Madrid', '2026-03-29', 2 * 60 + 15);
    expect(t).toBe(ms('2026-03-29T01:00:00Z'));
    expect(wall('Europe/Madrid', t).hhmm).toBe('03:00');
  });

  it('resolves 02:30 on 2026-10-25 in Madrid (fall-back overlap) to the first, CEST occurrence', () => {
    expect(instantAt('Europe/Madrid', '2026-10-25', 150)).toBe(ms('2026-10-25T00:30:00Z'));
  });

  it('keeps local 09:00 at 09:00 on the days around both Madrid transitions', () => {
    for (const date of ['2026-03-28', '2026-03-29', '2026-03-30', '2026-10-24', '2026-10-25', '2026-10-26']) {
      expect(wall('Europe/Madrid', instantAt('Europe/Madrid', date, 9 * 60))).toMatchObject({ date, hhmm: '09:00' });
    }
  });

  it('never returns an instant whose wall clock reads earlier than asked, minute by minute through the New York gap night', () => {
    for (let m = 0; m < 24 * 60; m += 5) {
      const t = instantAt('America/New_York', '2026-03-08', m);
      const w = wall('America/New_York', t);
      expect(w.date).toBe('2026-03-08');
      expect(w.minuteOfDay).toBeGreaterThanOrEqual(m);
      // Only the skipped hour resolves elsewhere, and only to its end.
      if (m < 120 || m >= 180) expect(w.minuteOfDay).toBe(m);
      else expect(w.hhmm).toBe('03:00');
    }
  });

  it('gives every wall time of the Madrid overlap night exactly, with instants increasing', () => {
    let prev = -Infinity;
    for (let m = 0; m < 24 * 60; m += 5) {
      const t = instantAt('Europe/Madrid', '2026-10-25', m);
      expect(wall('Europe/Madrid', t).minuteOfDay).toBe(m);
      expect(t).toBeGreaterThan(prev);
      prev = t;
    }
  });
});
