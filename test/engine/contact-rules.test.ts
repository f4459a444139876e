import { describe, expect, it } from 'vitest';
import type { ContactChannel } from '../../workflows/engine/account';
import {
  contactDeadline,
  nextAllowedInstant,
  type ContactContext,
  type CountedContact,
} from '../../workflows/engine/contact-rules';
import { initialState, jitterFor, zonesOf } from '../../workflows/engine/state';
import { contactPolicyFor, SUPPORTED_JURISDICTIONS } from '../../workflows/engine/jurisdictions';
import { defaultLadder } from '../../workflows/engine/ladder';
import { emily, localClock, ms, wall } from './fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const J = 17 * 60_000 + 23_000; // a fixed spread of 17 min 23 s for readable expectations

function ctx(
  jurisdiction: string,
  zone: string | null,
  channel: ContactChannel,
  contacts: CountedContact[] = [],
  jitterMs = J
): ContactContext {
  const policy = contactPolicyFor(jurisdiction)!;
  return { policy, zones: zone ? [zone] : policy.zones, channel, contacts, jitterMs };
}

describe('contact windows per jurisdiction', () => {
  it('a day-1 SMS due at 06:40 in Bogotá moves to 07:00 + spread under Ley 2300 art. 3', () => {
    const r = nextAllowedInstant(ctx('CO', 'America/Bogota', 'sms'), ms('2026-12-02T11:40:00Z'));
    expect(r.at).toBe(ms('2026-12-02T12:00:00Z') + J);
    expect(localClock('America/Bogota', r.at)).toBe('07:17:23');
    expect(r.moves).toEqual([
      expect.objectContaining({ reason: 'contact_window', rule: 'CO:Ley 2300 de 2023 art. 3', zone: 'America/Bogota' }),
    ]);
  });

  it('an SMS at Saturday 15:30 in Bogotá waits for Monday 07:00: Saturdays close at 15:00 and Sundays are closed', () => {
    const r = nextAllowedInstant(ctx('CO', 'America/Bogota', 'sms'), ms('2026-12-05T20:30:00Z'));
    expect(wall('America/Bogota', r.at)).toMatchObject({ date: '2026-12-07', weekday: 1, hhmm: '07:17' });
  });

  it('a Saturday 08:30 SMS in Bogotá is allowed as is (Saturday window 08:00–15:00)', () => {
    const t = ms('2026-12-05T13:30:00Z');
    expect(nextAllowedInstant(ctx('CO', 'America/Bogota', 'sms'), t)).toEqual({ at: t, moves: [] });
  });

  it('a contact on the Colombian festivo of 2026-12-08 (Inmaculada Concepción) moves to Wednesday 07:00 + spread', () => {
    const r = nextAllowedInstant(ctx('CO', 'America/Bogota', 'sms'), ms('2026-12-08T15:00:00Z'));
    expect(wall('America/Bogota', r.at)).toMatchObject({ date: '2026-12-09', hhmm: '07:17' });
    expect(r.moves[0]).toMatchObject({
      reason: 'public_holiday',
      rule: 'CO:Ley 2300 de 2023 art. 3',
      detail: '2026-12-08',
    });
  });

  it('a Sunday contact in Bogotá before the Monday festivo of 2026-11-16 moves to Tuesday 07:00 + spread', () => {
    const r = nextAllowedInstant(ctx('CO', 'America/Bogota', 'email'), ms('2026-11-15T15:00:00Z'));
    expect(wall('America/Bogota', r.at)).toMatchObject({ date: '2026-11-17', weekday: 2, hhmm: '07:17' });
    expect(r.moves.map((m) => m.reason)).toEqual(['contact_window', 'public_holiday', 'contact_window']);
  });

  it('an SMS due at 06:30 in Mexico City moves to 07:00 + spread under the CONDUSEF 2014 hours', () => {
    const r = nextAllowedInstant(ctx('MX', 'America/Mexico_City', 'sms'), ms('2026-12-02T12:30:00Z'));
    expect(localClock('America/Mexico_City', r.at)).toBe('07:17:23');
    expect(r.moves[0]?.rule).toBe('MX:CONDUSEF despachos de cobranza (DOF 2014-10-07)');
  });

  it('an SMS at 22:00 in Mexico City (window closes at 22:00) moves to 07:00 + spread the next day', () => {
    const r = nextAllowedInstant(ctx('MX', 'America/Mexico_City', 'sms'), ms('2026-12-03T04:00:00Z'));
    expect(wall('America/Mexico_City', r.at)).toMatchObject({ date: '2026-12-03', hhmm: '07:17' });
  });

  it('Mexico blocks no public holidays: a contact on Día de la Revolución 2026-11-16 at 10:00 goes ahead', () => {
    const t = ms('2026-11-16T16:00:00Z');
    expect(nextAllowedInstant(ctx('MX', 'America/Mexico_City', 'sms'), t).at).toBe(t);
  });

  it('a message at Saturday 14:30 in São Paulo moves to Monday 08:00 + spread under CDC art. 71 policy hours', () => {
    const r = nextAllowedInstant(ctx('BR', 'America/Sao_Paulo', 'sms'), ms('2026-12-05T17:30:00Z'));
    expect(wall('America/Sao_Paulo', r.at)).toMatchObject({ date: '2026-12-07', hhmm: '08:17' });
    expect(r.moves[0]?.rule).toBe('BR:CDC art. 71 (COBRANZA policy hours)');
  });

  it('a message on Dia da Consciência Negra (Friday 2026-11-20) in São Paulo moves to Saturday 08:00 + spread', () => {
    const r = nextAllowedInstant(ctx('BR', 'America/Sao_Paulo', 'email'), ms('2026-11-20T13:00:00Z'));
    expect(wall('America/Sao_Paulo', r.at)).toMatchObject({ date: '2026-11-21', weekday: 6, hhmm: '08:17' });
    expect(r.moves[0]).toMatchObject({ reason: 'public_holiday', rule: 'BR:CDC art. 71 (no contact on holidays)' });
  });

  it('a message at 08:00 on a Monday in Madrid moves to 09:00 + spread under RDL 1/2007 art. 96.2', () => {
    const r = nextAllowedInstant(ctx('ES', 'Europe/Madrid', 'sms'), ms('2026-12-07T07:00:00Z'));
    expect(wall('Europe/Madrid', r.at)).toMatchObject({ date: '2026-12-07', hhmm: '09:17' });
    expect(r.moves[0]?.rule).toBe('ES:RDL 1/2007 art. 96.2');
  });

  it('a message on Saturday in Madrid waits for Monday: weekends are closed in Spain', () => {
    const r = nextAllowedInstant(ctx('ES', 'Europe/Madrid', 'email'), ms('2026-11-28T10:00:00Z'));
    expect(wall('Europe/Madrid', r.at)).toMatchObject({ date: '2026-11-30', weekday: 1, hhmm: '09:17' });
  });

  it('a message on Día de la Inmaculada (Tuesday 2026-12-08) in Madrid moves to Wednesday 09:00 + spread', () => {
    const r = nextAllowedInstant(ctx('ES', 'Europe/Madrid', 'sms'), ms('2026-12-08T10:00:00Z'));
    expect(wall('Europe/Madrid', r.at)).toMatchObject({ date: '2026-12-09', hhmm: '09:17' });
    expect(r.moves[0]).toMatchObject({ reason: 'public_holiday', detail: '2026-12-08' });
  });

  it('an SMS at 07:30 in New York moves to 08:00 + spread under Reg F 12 CFR 1006.6(b)(1)(i)', () => {
    const r = nextAllowedInstant(ctx('US', 'America/New_York', 'sms'), ms('2026-12-02T12:30:00Z'));
    expect(localClock('America/New_York', r.at)).toBe('08:17:23');
    expect(r.moves).toEqual([expect.objectContaining({ rule: 'US:12 CFR 1006.6(b)(1)(i)' })]);
  });

  it('an SMS at 21:00 in New York moves to 08:00 + spread the next morning', () => {
    const r = nextAllowedInstant(ctx('US-MA', 'America/New_York', 'sms'), ms('2026-12-03T02:00:00Z')); // 12-02 21:00
    expect(wall('America/New_York', r.at)).toMatchObject({ date: '2026-12-03', hhmm: '08:17' });
  });

  it('in Florida an email at 21:30 is exempt from Fla. Stat. 559.72(17) but still moved by the Reg F window', () => {
    const r = nextAllowedInstant(ctx('US-FL', 'America/New_York', 'email'), ms('2026-12-03T02:30:00Z'));
    expect(r.moves.map((m) => m.rule)).toEqual(['US:12 CFR 1006.6(b)(1)(i)']);
    expect(wall('America/New_York', r.at).hhmm).toBe('08:17');
    const fl = contactPolicyFor('US-FL')!.windows.find((w) => w.rule.startsWith('US-FL'))!;
    expect(fl.channels).not.toContain('email');
    expect(fl.channels).toContain('sms');
  });

  it('in Florida the 559.72(17) window governs SMS: with the federal window removed it alone moves a 07:00 SMS', () => {
    const policy = contactPolicyFor('US-FL')!;
    const flOnly = { ...policy, windows: policy.windows.filter((w) => w.rule.startsWith('US-FL')) };
    const base = { policy: flOnly, zones: ['America/New_York'], contacts: [], jitterMs: J };
    const t = ms('2026-12-02T12:00:00Z');
    expect(nextAllowedInstant({ ...base, channel: 'sms' }, t).moves[0]?.rule).toBe('US-FL:Fla. Stat. 559.72(17)');
    expect(nextAllowedInstant({ ...base, channel: 'email' }, t)).toEqual({ at: t, moves: [] });
  });

  it('a time inside every window and free of caps is returned unchanged with no moves', () => {
    const t = ms('2026-12-02T17:00:00Z');
    for (const [j, zone] of [
      ['MX', 'America/Mexico_City'],
      ['CO', 'America/Bogota'],
      ['BR', 'America/Sao_Paulo'],
      ['US-MA', 'America/New_York'],
      ['US-FL', 'America/New_York'],
    ] as const) {
      expect(nextAllowedInstant(ctx(j, zone, 'sms'), t)).toEqual({ at: t, moves: [] });
    }
  });
});

describe('frequency caps', () => {
  const at = (isoZ: string, channel: ContactChannel = 'sms'): CountedContact => ({ at: ms(isoZ), channel });

  it('US: an 8th call within 7 days waits until the first of the 7 leaves the window (12 CFR 1006.14(b)(2)(i))', () => {
    const calls = [0, 1, 2, 3, 4, 5, 6].map((d) => ({
      at: ms('2026-12-01T15:00:00Z') + d * DAY,
      channel: 'call' as const,
    }));
    const r = nextAllowedInstant(ctx('US', 'America/New_York', 'call', calls), ms('2026-12-08T14:00:00Z'));
    expect(r.at).toBe(ms('2026-12-08T15:00:00Z'));
    expect(r.moves).toEqual([expect.objectContaining({ reason: 'frequency_cap', rule: 'US:12 CFR 1006.14(b)(2)(i)' })]);
  });

  it('US: texts and emails are not calls: their 7-in-7 cap is product policy, cited as such', () => {
    const emails = [0, 1, 2, 3, 4, 5, 6].map((d) => ({
      at: ms('2026-12-01T15:00:00Z') + d * DAY,
      channel: 'email' as const,
    }));
    const r = nextAllowedInstant(ctx('US', 'America/New_York', 'sms', emails), ms('2026-12-08T14:00:00Z'));
    expect(r.at).toBe(ms('2026-12-08T15:00:00Z'));
    expect(r.moves).toEqual([
      expect.objectContaining({
        reason: 'frequency_cap',
        rule: 'COBRANZA:policy seven messages per 7 days (12 CFR 1006.14(a), comment 14(a)-1)',
      }),
    ]);
    // The seven emails do not count against an agent's calls.
    expect(nextAllowedInstant(ctx('US', 'America/New_York', 'call', emails), ms('2026-12-09T14:00:00Z')).moves).toEqual(
      []
    );
  });

  it('US: no call within 7 days after a telephone conversation (12 CFR 1006.14(b)(2)(ii)); a missed call starts no quiet days', () => {
    const talked = [{ at: ms('2026-12-01T15:00:00Z'), channel: 'call' as const, conversation: true }];
    const r = nextAllowedInstant(ctx('US', 'America/New_York', 'call', talked), ms('2026-12-03T15:00:00Z'));
    expect(r.at).toBe(ms('2026-12-08T15:00:00Z'));
    expect(r.moves[0]).toMatchObject({ reason: 'frequency_cap', rule: 'US:12 CFR 1006.14(b)(2)(ii)' });
    const unanswered = [{ at: ms('2026-12-01T15:00:00Z'), channel: 'call' as const }];
    const t = ms('2026-12-03T15:00:00Z');
    expect(nextAllowedInstant(ctx('US', 'America/New_York', 'call', unanswered), t).at).toBe(t);
  });

  it('US: one contact per local day (product policy), so a second contact the same day moves to the next morning', () => {
    const r = nextAllowedInstant(
      ctx('US', 'America/New_York', 'email', [at('2026-12-02T15:00:00Z', 'sms')]),
      ms('2026-12-02T20:00:00Z')
    );
    expect(r.moves[0]).toMatchObject({ reason: 'frequency_cap', rule: 'COBRANZA:policy one contact per local day' });
    expect(wall('America/New_York', r.at)).toMatchObject({ date: '2026-12-03', hhmm: '08:17' });
  });

  it('the per-day cap counts the local day: a 23:30 UTC contact the previous evening in New York does not block today', () => {
    // 2026-12-01T23:30Z is 18:30 on 12-01 in New York; 2026-12-02T14:00Z is 09:00 on 12-02.
    const t = ms('2026-12-02T14:00:00Z');
    expect(nextAllowedInstant(ctx('US', 'America/New_York', 'sms', [at('2026-12-01T23:30:00Z')]), t).at).toBe(t);
  });

  it('MA: a third SMS within 7 days waits for 940 CMR 7.04(1)(f), while an email the same day is not held by it', () => {
    const contacts = [at('2026-12-01T15:00:00Z'), at('2026-12-03T15:00:00Z')];
    const t = ms('2026-12-04T15:00:00Z');
    const sms = nextAllowedInstant(ctx('US-MA', 'America/New_York', 'sms', contacts), t);
    expect(sms.at).toBe(ms('2026-12-08T15:00:00Z'));
    expect(sms.moves.map((m) => m.rule)).toEqual(['US-MA:940 CMR 7.04(1)(f)']);
    expect(nextAllowedInstant(ctx('US-MA', 'America/New_York', 'email', contacts), t)).toEqual({ at: t, moves: [] });
  });

  it('MA: the SMS cap also counts WhatsApp messages, both being text messages to a cell phone', () => {
    const contacts = [at('2026-12-01T15:00:00Z', 'whatsapp'), at('2026-12-03T15:00:00Z', 'sms')];
    const r = nextAllowedInstant(ctx('US-MA', 'America/New_York', 'whatsapp', contacts), ms('2026-12-04T15:00:00Z'));
    expect(r.at).toBe(ms('2026-12-08T15:00:00Z'));
  });

  it('MX: a fourth message within 7 rolling days waits for the product cap of three', () => {
    const contacts = [at('2026-12-01T16:00:00Z'), at('2026-12-02T16:00:00Z', 'email'), at('2026-12-04T16:00:00Z')];
    const r = nextAllowedInstant(ctx('MX', 'America/Mexico_City', 'sms', contacts), ms('2026-12-05T16:00:00Z'));
    expect(r.at).toBe(ms('2026-12-08T16:00:00Z'));
    expect(r.moves[0]?.rule).toBe('COBRANZA:policy three messages per 7 days');
  });

  it('CO: one contact a day under Ley 2300 art. 3', () => {
    const r = nextAllowedInstant(
      ctx('CO', 'America/Bogota', 'sms', [at('2026-12-02T13:00:00Z')]),
      ms('2026-12-02T18:00:00Z')
    );
    expect(r.moves[0]).toMatchObject({ reason: 'frequency_cap', rule: 'CO:Ley 2300 de 2023 art. 3' });
    expect(wall('America/Bogota', r.at)).toMatchObject({ date: '2026-12-03', hhmm: '07:17' });
  });

  it('CO: a second channel within 7 days waits until 7 days after the last contact on the first channel', () => {
    const r = nextAllowedInstant(
      ctx('CO', 'America/Bogota', 'email', [at('2026-12-02T15:37:12Z', 'sms')]),
      ms('2026-12-04T15:00:00Z')
    );
    expect(r.at).toBe(ms('2026-12-09T15:37:12Z'));
    expect(r.moves).toEqual([
      expect.objectContaining({ reason: 'distinct_channels', rule: 'CO:Ley 2300 de 2023 art. 3', detail: 'max 1' }),
    ]);
  });

  it('CO: the same channel again within the week is not held by the distinct-channel rule', () => {
    const t = ms('2026-12-04T15:00:00Z');
    expect(nextAllowedInstant(ctx('CO', 'America/Bogota', 'sms', [at('2026-12-02T15:00:00Z')]), t).at).toBe(t);
  });

  it('CO: a distinct-channel release that lands on a festivo moves again, to the next day 07:00 + spread', () => {
    // SMS on Tuesday 2026-12-01 10:00 Bogotá; an email is released 7 days later, on the festivo of 2026-12-08.
    const r = nextAllowedInstant(
      ctx('CO', 'America/Bogota', 'email', [at('2026-12-01T15:00:00Z', 'sms')]),
      ms('2026-12-03T15:00:00Z')
    );
    expect(r.moves.map((m) => m.reason)).toEqual(['distinct_channels', 'public_holiday', 'contact_window']);
    expect(wall('America/Bogota', r.at)).toMatchObject({ date: '2026-12-09', hhmm: '07:17' });
  });
});

describe('unknown time zones and the per-account spread', () => {
  it('an unknown zone in the US must suit every US zone, territories included: it waits for 08:00 in Guam', () => {
    const t = ms('2026-12-02T13:00:00Z'); // 08:00 in New York
    const r = nextAllowedInstant(ctx('US', null, 'sms'), t);
    expect(r.at).toBe(ms('2026-12-02T22:00:00Z') + J); // 08:00 ChST (Guam) + spread; 18:17 in New York
    for (const zone of contactPolicyFor('US')!.zones) {
      const m = wall(zone, r.at).minuteOfDay;
      expect(m >= 8 * 60 && m < 21 * 60, zone).toBe(true);
    }
  });

  it('an unknown zone in Mexico waits for 07:00 in Tijuana, the westernmost zone', () => {
    const r = nextAllowedInstant(ctx('MX', null, 'sms'), ms('2026-12-02T13:00:00Z'));
    expect(r.at).toBe(ms('2026-12-02T15:00:00Z') + J);
  });

  it('an unknown zone in Mexico after 22:00 in Cancún (easternmost) waits for the next morning in Tijuana', () => {
    const r = nextAllowedInstant(ctx('MX', null, 'sms'), ms('2026-12-03T03:30:00Z')); // 22:30 Cancún, 19:30 Tijuana
    expect(r.at).toBe(ms('2026-12-03T15:00:00Z') + J);
  });

  it('a debtor with an invented zone is treated as zone-unknown, so every zone of the jurisdiction must allow contact', () => {
    const account = emily('US-MA', {});
    account.debtor = { ...account.debtor, timezone: 'America/Gotham' };
    const s = initialState(account, defaultLadder, contactPolicyFor('US-MA')!, ms('2026-11-20T00:00:00Z'));
    expect(s.zone).toBeNull();
    expect(zonesOf(s)).toEqual(['America/New_York']);
    const fl = initialState(
      { ...account, debtor: { ...account.debtor, jurisdiction: 'US-FL', timezone: undefined } },
      defaultLadder,
      contactPolicyFor('US-FL')!,
      0
    );
    expect(zonesOf(fl)).toEqual(['America/New_York', 'America/Chicago']);
  });

  it('spreads 100 account ids over the first hour of the window, deterministically', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `acc-mx-${String(i).padStart(6, '0')}`);
    const opening = ms('2026-12-02T13:00:00Z'); // 07:00 Mexico City
    const times = ids.map(
      (id) =>
        nextAllowedInstant(ctx('MX', 'America/Mexico_City', 'sms', [], jitterFor(id)), ms('2026-12-02T10:00:00Z')).at
    );
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(opening);
      expect(t).toBeLessThan(opening + HOUR);
    }
    expect(new Set(times).size).toBeGreaterThanOrEqual(95);
    const quarters = new Set(times.map((t) => Math.floor((t - opening) / (15 * 60_000))));
    expect(quarters.size).toBe(4);
    expect(ids.map(jitterFor)).toEqual(ids.map(jitterFor));
    expect(jitterFor('acc-ana-001')).toBe((55 * 60 + 23) * 1000);
  });

  it('every supported jurisdiction has at least one window rule and names a legal or product source for each rule', () => {
    for (const code of SUPPORTED_JURISDICTIONS) {
      const p = contactPolicyFor(code)!;
      expect(p.windows.length, code).toBeGreaterThan(0);
      for (const rule of [...p.windows, ...p.blockedDays, ...p.caps, ...p.distinctChannels])
        expect(rule.rule, code).toMatch(/^(US|US-MA|US-FL|MX|CO|BR|ES|COBRANZA):/);
    }
  });

  it('another US state gets the federal rules, federal holidays and its own zones; an unknown country has no policy', () => {
    expect(contactPolicyFor('US-TX')).toMatchObject({
      jurisdiction: 'US-TX',
      zones: ['America/Chicago', 'America/Denver'],
      holidays: { country: 'US' },
    });
    expect(contactPolicyFor('AR')).toBeUndefined();
  });
});

describe('the deadline a send must meet: the close of the contact window it was decided in', () => {
  const CO = contactPolicyFor('CO')!;
  const ES = contactPolicyFor('ES')!;

  it('an SMS decided at 10:00 on a Wednesday in Bogotá must go out before 19:00 (Ley 2300 art. 3)', () => {
    expect(contactDeadline(CO, ['America/Bogota'], 'sms', ms('2026-12-02T15:00:00Z'))).toEqual({
      at: ms('2026-12-03T00:00:00Z'),
      rule: 'CO:Ley 2300 de 2023 art. 3',
      zone: 'America/Bogota',
    });
  });

  it('on a Saturday in Bogotá the deadline is 15:00, when the short Saturday window closes', () => {
    const deadline = contactDeadline(CO, ['America/Bogota'], 'sms', ms('2026-12-05T14:00:00Z'));
    expect(wall('America/Bogota', deadline!.at)).toMatchObject({ date: '2026-12-05', hhmm: '15:00' });
  });

  it('a debtor in Spain with no known zone must be reached before 21:00 in Madrid, an hour before the Canaries', () => {
    expect(contactDeadline(ES, ES.zones, 'email', ms('2026-12-09T10:00:00Z'))).toEqual({
      at: ms('2026-12-09T20:00:00Z'),
      rule: 'ES:RDL 1/2007 art. 96.2',
      zone: 'Europe/Madrid',
    });
  });

  it('without hours, the eve of a public holiday ends at midnight (Inmaculada Concepción, 8 December in Spain)', () => {
    const withoutHours = { ...ES, windows: [] };
    expect(contactDeadline(withoutHours, ['Europe/Madrid'], 'sms', ms('2026-12-07T11:00:00Z'))).toEqual({
      at: ms('2026-12-07T23:00:00Z'),
      rule: 'ES:RDL 1/2007 art. 96.2',
      zone: 'Europe/Madrid',
    });
  });

  it('a policy with neither hours nor holidays sets no deadline', () => {
    const unbounded = { ...ES, windows: [], blockedDays: [] };
    expect(contactDeadline(unbounded, ['Europe/Madrid'], 'sms', ms('2026-12-07T11:00:00Z'))).toBeNull();
  });
});
