import { describe, expect, it } from 'vitest';
import { next } from '../../workflows/engine/next';
import { zonesOf } from '../../workflows/engine/state';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { ana, emily, ms, stateFor, wall } from './fixtures';

const START = '2026-12-03T10:53:00Z'; // 04:53 in Mexico City, 10:53 UTC, 11:53 in Madrid: day-1 SMS already due

const firstContactOf = (timezone: string | undefined) => {
  const account = ana({ dueDate: '2026-12-01' });
  account.debtor = { ...account.debtor, timezone };
  const state = stateFor(account, START);
  const decision = next(state, ms(START));
  if (decision.type !== 'act') throw new Error(`expected an action, got ${decision.type}`);
  return { state, at: decision.at };
};

describe('the debtor’s time zone against the jurisdiction’s', () => {
  it('a Mexican debtor placed with timezone UTC is not contacted at 04:53 Mexico City time: UTC counts as unknown', () => {
    const { state, at } = firstContactOf('UTC');
    expect(state.zone).toBeNull();
    expect(zonesOf(state)).toEqual(contactPolicyFor('MX')!.zones);
    // Every Mexican zone must allow it: 07:00 in Tijuana, the westernmost, plus Ana's spread.
    expect(wall('America/Tijuana', at).hhmm >= '07:00').toBe(true);
    for (const zone of contactPolicyFor('MX')!.zones) expect(wall(zone, at).hhmm >= '07:00', zone).toBe(true);
  });

  it('a zone of another country (Europe/Madrid for a Mexican debtor) counts as unknown too', () => {
    const { state } = firstContactOf('Europe/Madrid');
    expect(state.zone).toBeNull();
  });

  it('records why the zone given was not used, naming it and the jurisdiction', () => {
    const { state } = firstContactOf('Europe/Madrid');
    expect(state.decisions).toEqual([
      expect.objectContaining({
        step: 'account',
        outcome: 'recorded',
        reason: 'timezone_outside_jurisdiction',
        detail: 'Europe/Madrid is not a zone of MX: every contact must suit all 8 zones of MX',
      }),
    ]);
  });

  it('records a missing zone as timezone_missing and an invented one as timezone_invalid', () => {
    expect(firstContactOf(undefined).state.decisions[0]).toMatchObject({ reason: 'timezone_missing' });
    expect(firstContactOf('Mars/Olympus').state.decisions[0]).toMatchObject({ reason: 'timezone_invalid' });
  });

  it('a zone of the jurisdiction is used as given and records nothing', () => {
    const { state } = firstContactOf('America/Monterrey');
    expect(state.zone).toBe('America/Monterrey');
    expect(state.decisions).toEqual([]);
  });

  it('a legacy alias ICU resolves to a zone of the jurisdiction (US/Eastern for Massachusetts) is that zone', () => {
    const account = emily('US-MA');
    account.debtor = { ...account.debtor, timezone: 'US/Eastern' };
    expect(stateFor(account, START).zone).toBe('America/New_York');
  });
});

describe('US states and territories', () => {
  it('an unknown subdivision (US-ZZ) has no policy instead of falling back to the federal rules', () => {
    expect(contactPolicyFor('US-ZZ')).toBeUndefined();
    expect(contactPolicyFor('MX-XYZ')).toBeUndefined();
    expect(contactPolicyFor('US-CA-LA')).toBeUndefined();
  });

  it('a state gets the federal rules in its own zones: California in Los Angeles, Texas in Chicago and Denver', () => {
    expect(contactPolicyFor('US-CA')).toMatchObject({ jurisdiction: 'US-CA', zones: ['America/Los_Angeles'] });
    expect(contactPolicyFor('US-TX')!.zones).toEqual(['America/Chicago', 'America/Denver']);
  });

  it('a territory is a US jurisdiction in its own zone (Puerto Rico), and the federal zones include it', () => {
    expect(contactPolicyFor('US-PR')!.zones).toEqual(['America/Puerto_Rico']);
    expect(contactPolicyFor('US')!.zones).toEqual(expect.arrayContaining(['America/Puerto_Rico', 'Pacific/Guam']));
  });

  it('a subdivision of another country keeps the country’s rules with its regional holidays (Brazil, São Paulo)', () => {
    expect(contactPolicyFor('BR-SP')).toMatchObject({
      jurisdiction: 'BR-SP',
      zones: contactPolicyFor('BR')!.zones,
      holidays: { country: 'BR', state: 'SP' },
    });
  });
});

describe('US federal holidays (product policy)', () => {
  it('a day-1 SMS due on Thanksgiving (2026-11-26) in Massachusetts waits for Friday, citing the policy', () => {
    const account = emily('US-MA', { dueDate: '2026-11-25' });
    const state = stateFor(account, '2026-11-26T13:00:00Z');
    const decision = next(state, ms('2026-11-26T16:00:00Z'));
    if (decision.type !== 'act') throw new Error('expected an action');
    expect(wall('America/New_York', decision.at).date).toBe('2026-11-27');
    expect(decision.notes).toContainEqual(
      expect.objectContaining({
        outcome: 'moved',
        reason: 'public_holiday',
        rule: 'COBRANZA:policy no contact on US federal holidays (5 U.S.C. 6103)',
      })
    );
  });
});
