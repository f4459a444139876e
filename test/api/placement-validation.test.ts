/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config';
import { emily as emilyCarter, withDebtor } from '../../scenarios/personas';
import type { Account } from '../../workflows/engine/account';
import { defaultLadder } from '../../workflows/engine/ladder';
import { bearer, conta, cuenta, expectProblem, KEYS, makeApp, openTestDb, testConfig } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const svc = bearer(KEYS.service);

/** Emily Carter in Boston (en-US) with a phone and an email, under a fresh account id. */
const emily = (): Account => {
  const { debtor, balance } = emilyCarter('US-MA');
  return cuenta({ debtor, balance });
};

/** Places `body`, expects a 422 problem+json naming `fields`, and that neither Temporal nor the database saw it. */
async function expectRefused(body: object, fields: string[], config = testConfig()) {
  const { app, temporal } = makeApp(db.db, { config });
  const res = await request(app).post('/v1/accounts').set('Authorization', svc).send(body);
  const problem = expectProblem(res, 422);
  expect(problem.type).toBe('https://cobranza.dev/problems/invalid-account');
  expect(problem.errors.map((e) => e.field)).toEqual(fields);
  expect(temporal.calls).toEqual([]);
  const id = (body as { id: string }).id;
  expect(await db.db.selectFrom('accounts').select('id').where('id', '=', id).execute()).toEqual([]);
  return problem;
}

describe('POST /v1/accounts refuses an account that cannot be collected, before Temporal and the database', () => {
  it.each(['Mars/Olympus', 'America/Bogotá'])('refuses the time zone %s naming debtor.timezone', async (zone) => {
    const problem = await expectRefused(withDebtor(cuenta(), { timezone: zone }), ['debtor.timezone']);
    expect(problem.errors[0]!.message).toContain(`${zone} is not an IANA time zone`);
  });

  it('refuses an unknown US subdivision (US-ZZ) naming debtor.jurisdiction', async () => {
    const problem = await expectRefused(withDebtor(emily(), { jurisdiction: 'US-ZZ' }), ['debtor.jurisdiction']);
    expect(problem.errors[0]!.message).toBe(
      'unsupported jurisdiction US-ZZ: ZZ is not a subdivision of US (ISO 3166-2)'
    );
  });

  it('refuses a currency that is not ISO 4217 (XYZ) naming balance.currency', async () => {
    const problem = await expectRefused({ ...cuenta(), balance: { amountMinor: 150_000_00, currency: 'XYZ' } }, [
      'balance.currency',
    ]);
    expect(problem.errors[0]!.message).toBe('XYZ is not an ISO 4217 currency code');
  });

  it('refuses by default a currency other than the legal tender of the debtor’s country (USD in Colombia)', async () => {
    await expectRefused({ ...cuenta(), balance: { amountMinor: 40_00, currency: 'USD' } }, ['balance.currency']);
  });

  it('places a currency the creditor configured (ACCEPTED_CURRENCIES=COP,USD) and refuses one it did not (EUR)', async () => {
    const config = testConfig({ acceptedCurrencies: ['COP', 'USD'] });
    const { app } = makeApp(db.db, { config });
    const dollars = { ...cuenta(), balance: { amountMinor: 40_00, currency: 'USD' } };
    expect((await request(app).post('/v1/accounts').set('Authorization', svc).send(dollars)).status).toBe(201);
    const problem = await expectRefused(
      { ...cuenta(), balance: { amountMinor: 40_00, currency: 'EUR' } },
      ['balance.currency'],
      config
    );
    expect(problem.errors[0]!.message).toBe('the creditor collects in COP, USD, not EUR');
  });

  it('refuses a zero balance naming balance.amountMinor', async () => {
    await expectRefused({ ...cuenta(), balance: { amountMinor: 0, currency: 'COP' } }, ['balance.amountMinor']);
  });

  it('refuses a debtor with neither phone nor email for the default ladder, naming debtor', async () => {
    const { phone: _p, email: _e, ...unreachable } = cuenta().debtor;
    const problem = await expectRefused({ ...cuenta(), debtor: unreachable }, ['debtor']);
    expect(problem.errors[0]!.message).toMatch(/no channel of the ladder can reach the debtor/);
  });

  it('places a debtor with neither phone nor email under a ladder of agent tasks only', async () => {
    const { app } = makeApp(db.db);
    const { phone: _p, email: _e, ...unreachable } = cuenta().debtor;
    const ladder = {
      ...defaultLadder,
      id: 'solo-agentes',
      steps: defaultLadder.steps.filter((s) => s.kind !== 'message'),
    };
    const res = await request(app)
      .post('/v1/accounts')
      .set('Authorization', svc)
      .send({ ...cuenta(), debtor: unreachable, ladder });
    expect(res.status).toBe(201);
  });

  it('refuses a Brazilian account whose creditor lacks address and CPF/CNPJ, naming each field (CDC art. 42-A)', async () => {
    const problem = await expectRefused(conta({ creditor: { name: 'Banco Paulista S.A.' } }), [
      'creditor.address',
      'creditor.taxId',
    ]);
    expect(problem.errors[0]!.message).toContain('CDC art. 42-A');
  });

  it('refuses a Brazilian creditor whose CNPJ check digits do not match, naming creditor.taxId', async () => {
    const creditor = {
      name: 'Banco Paulista S.A.',
      address: 'Av. Paulista, 1000, São Paulo',
      taxId: '12.345.678/0001-90',
    };
    await expectRefused(conta({ creditor }), ['creditor.taxId']);
  });

  it('identifies a Brazilian account that names no creditor by the configured CREDITOR_*, as the worker does', async () => {
    const { creditor: _c, ...anonymous } = conta();
    await expectRefused(anonymous, ['creditor']);
    const config = testConfig({
      creditor: {
        name: 'Aurora Crédito Ltda.',
        address: 'Av. Paulista, 1000, São Paulo - SP',
        taxId: '11.222.333/0001-81',
      },
    });
    const { app } = makeApp(db.db, { config });
    expect((await request(app).post('/v1/accounts').set('Authorization', svc).send(anonymous)).status).toBe(201);
  });

  it('names every problem of one account at once', async () => {
    const account = withDebtor(
      { ...emily(), balance: { amountMinor: 0, currency: 'XYZ' } },
      { jurisdiction: 'US-ZZ', timezone: 'Mars/Olympus' }
    );
    await expectRefused(account, ['debtor.jurisdiction', 'debtor.timezone', 'balance.currency', 'balance.amountMinor']);
  });
});

describe('POST /v1/accounts/batch reports the same problems per item', () => {
  it('answers each refused item with its 422 naming the field, and places the others', async () => {
    const { app, temporal } = makeApp(db.db);
    const good = cuenta();
    const res = await request(app)
      .post('/v1/accounts/batch')
      .set('Authorization', svc)
      .send([
        withDebtor(cuenta(), { timezone: 'America/Bogotá' }),
        good,
        { ...cuenta(), balance: { amountMinor: 0, currency: 'COP' } },
        conta({ creditor: { name: 'Banco Paulista S.A.' } }),
      ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 4, created: 1, failed: 3 });
    const results = res.body.results as { status: number; problem?: { errors: { field: string }[] } }[];
    expect(results.map((r) => r.status)).toEqual([422, 201, 422, 422]);
    expect(results.map((r) => r.problem?.errors.map((e) => e.field))).toEqual([
      ['debtor.timezone'],
      undefined,
      ['balance.amountMinor'],
      ['creditor.address', 'creditor.taxId'],
    ]);
    expect(temporal.calls.map((c) => c.workflowId)).toEqual([`dunning-${good.id}`]);
  });
});

describe('the API reads the placement settings from its environment', () => {
  it('reads ACCEPTED_CURRENCIES as a comma list and CREDITOR_* as the worker does (empty means unset)', () => {
    const config = loadConfig({
      ACCEPTED_CURRENCIES: 'MXN, USD',
      CREDITOR_NAME: 'Aurora Crédito Ltda.',
      CREDITOR_ADDRESS: 'Av. Paulista, 1000, São Paulo - SP',
      CREDITOR_TAX_ID: '',
    });
    expect(config.acceptedCurrencies).toEqual(['MXN', 'USD']);
    expect(config.creditor).toEqual({ name: 'Aurora Crédito Ltda.', address: 'Av. Paulista, 1000, São Paulo - SP' });
    expect(loadConfig({}).acceptedCurrencies).toBeUndefined();
  });

  it('refuses an ACCEPTED_CURRENCIES entry that is not ISO 4217, naming it, and a creditor address without a name', () => {
    expect(() => loadConfig({ ACCEPTED_CURRENCIES: 'MXN,XYZ' })).toThrow(/entry 2 \(XYZ\) is not an ISO 4217/);
    expect(() => loadConfig({ CREDITOR_ADDRESS: 'Av. Paulista, 1000' })).toThrow(/need CREDITOR_NAME/);
  });
});
