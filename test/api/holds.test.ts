import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdQuery } from '../../api/routes/holds';
import { bearer, expectProblem, KEYS, makeApp, openTestDb } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

describe('the visibility query of a hold', () => {
  it('covers running dunning workflows only, with every criterion given', () => {
    expect(
      holdQuery({
        jurisdictions: ['CO', 'MX'],
        ladderVersions: ['cobro-suave@2'],
        segments: ['zona-inundada'],
        creditors: ['Financiera Andina S.A.S.'],
      })
    ).toBe(
      "WorkflowType = 'dunningWorkflow' AND ExecutionStatus = 'Running' AND Jurisdiction IN ('CO', 'MX') AND " +
        "LadderVersion = 'cobro-suave@2' AND Segment = 'zona-inundada' AND Creditor = 'Financiera Andina S.A.S.'"
    );
  });

  it('escapes a quote in a creditor’s name, so a name never changes the query', () => {
    expect(holdQuery({ creditors: ["Crédito D'Oliveira Ltda."] })).toContain("Creditor = 'Crédito D\\'Oliveira Ltda.'");
  });
});

describe('POST /v1/holds/{holdId}', () => {
  it('a hold with no criterion is refused naming filter: a hold never covers every account', async () => {
    const { app, temporal } = makeApp(db.db);
    const p = expectProblem(
      await request(app)
        .post('/v1/holds/todo')
        .set('Authorization', bearer(KEYS.admin))
        .send({ reason: 'x', filter: {} }),
      400
    );
    expect(p.errors.map((e) => e.field)).toEqual(['filter']);
    expect(temporal.calls).toEqual([]);
  });

  it('only an admin key may hold accounts (403 for a service key)', async () => {
    const { app } = makeApp(db.db);
    expectProblem(
      await request(app)
        .post('/v1/holds/moratoria')
        .set('Authorization', bearer(KEYS.service))
        .send({ reason: 'x', filter: { jurisdictions: ['CO'] } }),
      403
    );
  });
});
