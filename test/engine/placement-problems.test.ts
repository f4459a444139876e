import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { withDebtor } from '../../scenarios/personas';
import type { Account } from '../../workflows/engine/account';
import { inputProblems } from '../../workflows/engine/input-problems';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { defaultLadder, type Ladder } from '../../workflows/engine/ladder';
import {
  isIsoCurrency,
  isValidCnpj,
  isValidCpf,
  placementProblems,
  type PlacementSettings,
} from '../../workflows/engine/placement-problems';
import { runPreview } from '../../workflows/engine/preview';
import { ana, camila, emily, joao } from './fixtures';

const problemsFor = (account: Account, settings: PlacementSettings = {}, ladder: Ladder = defaultLadder) =>
  placementProblems(account, ladder, contactPolicyFor(account.debtor.jurisdiction), settings);
const fieldsOf = (account: Account, settings: PlacementSettings = {}, ladder: Ladder = defaultLadder) =>
  problemsFor(account, settings, ladder).map((p) => p.field);

describe('placement problems: a well-formed account that cannot be collected names its field', () => {
  it('accepts the realistic debtor of every supported jurisdiction under the legal-tender default', () => {
    for (const account of [ana(), camila(), joao(), emily('US-MA'), emily('US')])
      expect(problemsFor(account, { acceptedCurrencies: 'legal-tender' })).toEqual([]);
  });

  it.each(['Mars/Olympus', 'America/Bogotá', 'GMT+5:30'])('refuses the time zone %s naming debtor.timezone', (zone) => {
    const problems = problemsFor(withDebtor(camila(), { timezone: zone }));
    expect(problems).toEqual([{ field: 'debtor.timezone', message: expect.stringContaining(zone) as unknown }]);
    expect(problems[0]!.message).toMatch(/is not an IANA time zone/);
  });

  it('suggests the zone meant when it was typed with its accent (America/Bogotá → America/Bogota)', () => {
    const [problem] = problemsFor(withDebtor(camila(), { timezone: 'America/Bogotá' }));
    expect(problem!.message).toBe('America/Bogotá is not an IANA time zone; did you mean America/Bogota?');
  });

  it('leaves a real zone outside the jurisdiction to the engine, which treats it as unknown', () => {
    expect(problemsFor(withDebtor(ana(), { timezone: 'Europe/Madrid' }))).toEqual([]);
  });

  it('refuses an unknown US subdivision (US-ZZ) naming debtor.jurisdiction, never falling back to federal rules', () => {
    const problems = problemsFor(withDebtor(emily('US'), { jurisdiction: 'US-ZZ' }));
    expect(problems).toEqual([
      {
        field: 'debtor.jurisdiction',
        message: 'unsupported jurisdiction US-ZZ: ZZ is not a subdivision of US (ISO 3166-2)',
      },
    ]);
  });

  it('refuses a currency that is not ISO 4217 (XYZ) naming balance.currency', () => {
    const problems = problemsFor({ ...ana(), balance: { amountMinor: 150_000, currency: 'XYZ' } });
    expect(problems).toEqual([{ field: 'balance.currency', message: 'XYZ is not an ISO 4217 currency code' }]);
  });

  it('by default accepts only the legal tender of the account’s country: EUR for a Mexican debtor is refused', () => {
    const problems = problemsFor(
      { ...ana(), balance: { amountMinor: 150_000, currency: 'EUR' } },
      { acceptedCurrencies: 'legal-tender' }
    );
    expect(problems).toEqual([
      { field: 'balance.currency', message: expect.stringMatching(/MX .* MXN.*not EUR/) as unknown },
    ]);
  });

  it('accepts any currency the creditor configured, and refuses one it did not', () => {
    const usdInMexico = { ...ana(), balance: { amountMinor: 150_000, currency: 'USD' } };
    expect(problemsFor(usdInMexico, { acceptedCurrencies: ['MXN', 'USD'] })).toEqual([]);
    expect(problemsFor(camila(), { acceptedCurrencies: ['MXN', 'USD'] })).toEqual([
      { field: 'balance.currency', message: 'the creditor collects in MXN, USD, not COP' },
    ]);
  });

  it('refuses a zero balance naming balance.amountMinor', () => {
    expect(fieldsOf({ ...camila(), balance: { amountMinor: 0, currency: 'COP' } })).toEqual(['balance.amountMinor']);
  });

  it('refuses a debtor the ladder cannot reach (no phone, no email) naming debtor', () => {
    const { phone: _p, whatsapp: _w, email: _e, ...unreachable } = camila().debtor;
    const problems = problemsFor({ ...camila(), debtor: unreachable });
    expect(problems).toEqual([
      {
        field: 'debtor',
        message:
          'no channel of the ladder can reach the debtor: its messages go by sms, email and whatsapp, and the debtor ' +
          'has no phone or whatsapp number and no email',
      },
    ]);
  });

  it('accepts a debtor reachable by one of the ladder’s channels only (email, no phone)', () => {
    const { phone: _p, whatsapp: _w, ...emailOnly } = camila().debtor;
    expect(problemsFor({ ...camila(), debtor: emailOnly })).toEqual([]);
  });

  it('needs no address for a ladder of agent tasks only', () => {
    const { phone: _p, whatsapp: _w, email: _e, ...unreachable } = camila().debtor;
    const agentsOnly: Ladder = { ...defaultLadder, steps: defaultLadder.steps.filter((s) => s.kind !== 'message') };
    expect(problemsFor({ ...camila(), debtor: unreachable }, {}, agentsOnly)).toEqual([]);
  });

  it('reports every problem at once', () => {
    const account = withDebtor(
      { ...emily('US'), balance: { amountMinor: 0, currency: 'XYZ' } },
      { jurisdiction: 'US-ZZ', timezone: 'Mars/Olympus' }
    );
    expect(fieldsOf(account)).toEqual([
      'debtor.jurisdiction',
      'debtor.timezone',
      'balance.currency',
      'balance.amountMinor',
    ]);
  });
});

describe('placement problems: creditor identification where the policy requires it (CDC art. 42-A)', () => {
  it('refuses a Brazilian account whose creditor lacks address and CPF/CNPJ, naming each field', () => {
    const problems = problemsFor(joao({ creditor: { name: 'Loja Exemplo Ltda' } }));
    expect(problems.map((p) => p.field)).toEqual(['creditor.address', 'creditor.taxId']);
    expect(problems[0]!.message).toMatch(/requires the creditor's name, address and CPF or CNPJ .*CDC art\. 42-A/);
  });

  it('refuses a CNPJ whose check digits do not match (12.345.678/0001-90) naming creditor.taxId', () => {
    const creditor = {
      name: 'Loja Exemplo Ltda',
      address: 'Av. Paulista 1000, São Paulo',
      taxId: '12.345.678/0001-90',
    };
    expect(problemsFor(joao({ creditor }))).toEqual([
      { field: 'creditor.taxId', message: expect.stringMatching(/^12\.345\.678\/0001-90 .*check digits/) as unknown },
    ]);
  });

  it('uses the configured creditor for an account that names none, and names what it lacks', () => {
    const { creditor: _c, ...withoutCreditor } = joao();
    expect(problemsFor(withoutCreditor)).toEqual([
      {
        field: 'creditor',
        message: expect.stringContaining('the account names no creditor and none is configured') as unknown,
      },
    ]);
    const configured = { name: 'Aurora Crédito Ltda.', address: 'Av. Paulista, 1000, São Paulo - SP' };
    expect(problemsFor(withoutCreditor, { configuredCreditor: configured })).toEqual([
      {
        field: 'creditor.taxId',
        message: expect.stringContaining('the configured creditor has no CPF or CNPJ') as unknown,
      },
    ]);
    expect(problemsFor(withoutCreditor, { configuredCreditor: { ...configured, taxId: '529.982.247-25' } })).toEqual(
      []
    );
  });

  it('follows the policy’s requiresCreditorIdentification flag, not the jurisdiction code', () => {
    const { creditor: _c, ...withoutCreditor } = joao();
    const brazil = contactPolicyFor('BR')!;
    expect(
      placementProblems(withoutCreditor, defaultLadder, { ...brazil, requiresCreditorIdentification: false })
    ).toEqual([]);
    const mexico = contactPolicyFor('MX')!;
    expect(
      placementProblems(ana(), defaultLadder, { ...mexico, requiresCreditorIdentification: true }).map((p) => p.field)
    ).toEqual(['creditor']);
  });

  it('checks CPF and CNPJ check digits, including the alphanumeric CNPJ in force since July 2026', () => {
    expect(isValidCpf('529.982.247-25')).toBe(true);
    expect(isValidCpf('529.982.247-24')).toBe(false);
    expect(isValidCpf('111.111.111-11')).toBe(false);
    expect(isValidCnpj('12.345.678/0001-95')).toBe(true);
    expect(isValidCnpj('12.345.678/0001-90')).toBe(false);
    expect(isValidCnpj('12.ABC.345/01DE-35')).toBe(true);
    expect(isValidCnpj('00.000.000/0000-00')).toBe(false);
  });

  it('knows ISO 4217 from the runtime: MXN, COP, BRL, EUR and USD are codes, XYZ and XXX are not', () => {
    expect(['MXN', 'COP', 'BRL', 'EUR', 'USD'].every(isIsoCurrency)).toBe(true);
    expect(isIsoCurrency('XYZ') || isIsoCurrency('XXX')).toBe(false);
  });
});

describe('the preview refuses what placement refuses, naming the field under account', () => {
  const scenario = (account: Account) => ({
    account,
    startAt: '2026-11-20T15:00:00Z',
    until: '2027-01-31T00:00:00Z',
  });
  const previewProblems = (account: Account) => {
    try {
      runPreview(scenario(account));
    } catch (err) {
      if (err instanceof ZodError) return inputProblems(err);
      throw err;
    }
    throw new Error('expected the scenario to be refused');
  };

  it('names account.debtor.timezone for America/Bogotá', () => {
    expect(previewProblems(withDebtor(camila(), { timezone: 'America/Bogotá' })).map((p) => p.field)).toEqual([
      'account.debtor.timezone',
    ]);
  });

  it('names account.debtor.jurisdiction for US-ZZ and account.balance.currency for XYZ', () => {
    const account = withDebtor(
      { ...emily('US'), balance: { amountMinor: 10_000, currency: 'XYZ' } },
      {
        jurisdiction: 'US-ZZ',
      }
    );
    expect(previewProblems(account).map((p) => p.field)).toEqual([
      'account.debtor.jurisdiction',
      'account.balance.currency',
    ]);
  });

  it('names account.balance.amountMinor for a zero balance and account.debtor for a debtor it cannot reach', () => {
    const { phone: _p, whatsapp: _w, email: _e, ...unreachable } = camila().debtor;
    expect(
      previewProblems({ ...camila(), debtor: unreachable, balance: { amountMinor: 0, currency: 'COP' } }).map(
        (p) => p.field
      )
    ).toEqual(['account.balance.amountMinor', 'account.debtor']);
  });

  it('names account.creditor.taxId for a Brazilian creditor whose CNPJ is wrong', () => {
    const creditor = {
      name: 'Loja Exemplo Ltda',
      address: 'Av. Paulista 1000, São Paulo',
      taxId: '12.345.678/0001-90',
    };
    expect(previewProblems(joao({ creditor })).map((p) => p.field)).toEqual(['account.creditor.taxId']);
  });

  it('previews a currency the creditor may have configured (USD in Mexico): the preview does not read that setting', () => {
    expect(() => runPreview(scenario({ ...ana(), balance: { amountMinor: 150_000, currency: 'USD' } }))).not.toThrow();
  });
});
