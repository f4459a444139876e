/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateAccountStatus, upsertAccount } from '../../db/repositories/accounts';
import { listAuditEvents } from '../../db/repositories/audit-events';
import { recordPayment } from '../../db/repositories/payments';
import type { Account } from '../../workflows/engine/account';
import type { DunningWorkflowInput } from '../../workflows/workflow-input';
import { defaultLadder, type LadderDefinition } from '../../workflows/engine/ladder';
import { bearer, cuenta, expectProblem, KEYS, makeApp, NOW, openTestDb } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const admin = bearer(KEYS.admin);
const svc = bearer(KEYS.service);

/** The default ladder's definition (no id, no version), as a manager starts from it. */
const { id: _id, version: _version, ...baseDefinition } = defaultLadder;
/** A gentler ladder: the day-1 SMS waits until day 3. */
const gentler: LadderDefinition = {
  ...baseDefinition,
  steps: baseDefinition.steps.map((s) =>
    s.id === 'day-1-sms' ? { ...s, name: 'day-3 sms', trigger: { ...s.trigger, offsetDays: 3 } } : s
  ),
};

let ladderSeq = 0;
/** A ladder id of this run's own, so specs sharing a database never collide. */
const freshLadderId = () => `cobro-suave-${process.pid}-${++ladderSeq}`;

function api() {
  const built = makeApp(db.db);
  const app = built.app;
  return {
    ...built,
    saveDraft: (ladderId: string, body: object, key = admin) =>
      request(app).post(`/v1/ladders/${ladderId}/draft`).set('Authorization', key).send(body),
    publish: (ladderId: string, key = admin) =>
      request(app).post(`/v1/ladders/${ladderId}/draft/publish`).set('Authorization', key).send(),
    retire: (ladderId: string, version: number, reason: string) =>
      request(app)
        .post(`/v1/ladders/${ladderId}/versions/${version}/retire`)
        .set('Authorization', admin)
        .send({ reason }),
    place: (body: object) => request(app).post('/v1/accounts').set('Authorization', svc).send(body),
  };
}

/** A ladder with version 1 published from `definition`. */
async function publishedLadder(definition: LadderDefinition = gentler) {
  const a = api();
  const ladderId = freshLadderId();
  expect((await a.saveDraft(ladderId, { definition, note: 'día 3 en vez de día 1' })).status).toBe(201);
  expect((await a.publish(ladderId)).status).toBe(201);
  return { ...a, ladderId };
}

describe('ladder drafts', () => {
  it('a draft of a new ladder is version 1, status draft, written by the admin key’s label', async () => {
    const a = api();
    const ladderId = freshLadderId();
    const res = await a.saveDraft(ladderId, { definition: gentler, note: 'día 3 en vez de día 1' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ladderId,
      version: 1,
      status: 'draft',
      note: 'día 3 en vez de día 1',
      createdBy: expect.any(String),
      definition: { steps: expect.arrayContaining([expect.objectContaining({ id: 'day-1-sms', name: 'day-3 sms' })]) },
    });
  });

  it('writing the draft again rewrites it under the same version (200)', async () => {
    const a = api();
    const ladderId = freshLadderId();
    await a.saveDraft(ladderId, { definition: baseDefinition });
    const res = await a.saveDraft(ladderId, { definition: gentler });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    const draft = await request(a.app).get(`/v1/ladders/${ladderId}/draft`).set('Authorization', admin);
    expect(draft.body.definition.steps[1].name).toBe('day-3 sms');
  });

  it('an invalid definition is refused naming each field, and no draft is written', async () => {
    const a = api();
    const ladderId = freshLadderId();
    const steps = gentler.steps.map((s) => (s.id === 'week-1-email' ? { ...s, channels: [], localTime: '25:00' } : s));
    const p = expectProblem(await a.saveDraft(ladderId, { definition: { ...gentler, steps } }), 400);
    expect(p.errors.map((e) => e.field).sort()).toEqual([
      'definition.steps[2].channels',
      'definition.steps[2].localTime',
    ]);
    expect((await request(a.app).get(`/v1/ladders/${ladderId}/draft`).set('Authorization', admin)).status).toBe(404);
  });

  it('steps out of order are refused naming the step', async () => {
    const a = api();
    const steps = [gentler.steps[2]!, gentler.steps[1]!, ...gentler.steps.slice(3)];
    const p = expectProblem(await a.saveDraft(freshLadderId(), { definition: { ...gentler, steps } }), 400);
    expect(p.errors).toContainEqual({
      field: 'definition.steps[1].trigger',
      message: 'steps must be ordered by offsetDays',
    });
  });

  it('only an admin key may write a draft (403 for a service key)', async () => {
    const a = api();
    expectProblem(await a.saveDraft(freshLadderId(), { definition: gentler }, svc), 403);
  });

  it('the built-in ladder’s id is refused (409): a creditor’s ladder has an id of its own', async () => {
    const a = api();
    const p = expectProblem(await a.saveDraft('default', { definition: gentler }), 409);
    expect(p.errors[0]!.field).toBe('ladderId');
  });

  it('a draft previewed against sample accounts answers what each would be sent, and when', async () => {
    const a = api();
    const ladderId = freshLadderId();
    await a.saveDraft(ladderId, { definition: gentler });
    const sofia = cuenta({ dueDate: '2026-11-24' });
    const res = await request(a.app)
      .post(`/v1/ladders/${ladderId}/draft/preview`)
      .set('Authorization', admin)
      .send({ accounts: [sofia], startAt: new Date(NOW).toISOString(), horizonDays: 20 });
    expect(res.status).toBe(200);
    expect(res.body.ladder).toEqual({ id: ladderId, version: 1 });
    const actions = res.body.reports[0].actions as { step: string; local: string }[];
    // Due Tuesday 24 November: the nudge on Saturday the 21st, the day-3 SMS on Friday the 27th at 10:00 Bogotá.
    expect(actions.slice(0, 2).map((x) => [x.step, x.local.slice(0, 13)])).toEqual([
      ['pre-due-nudge', '2026-11-21T10'],
      ['day-1-sms', '2026-11-27T10'],
    ]);
  });

  it('a sample account the draft cannot collect is refused naming the account and its field', async () => {
    const a = api();
    const base = cuenta();
    // No phone and no email: no channel of the ladder reaches her.
    const unreachable = { ...base, debtor: { ...base.debtor, phone: undefined, email: undefined } };
    const ladderId = freshLadderId();
    await a.saveDraft(ladderId, { definition: gentler });
    const p = expectProblem(
      await request(a.app)
        .post(`/v1/ladders/${ladderId}/draft/preview`)
        .set('Authorization', admin)
        .send({ accounts: [cuenta(), unreachable] }),
      422
    );
    expect(p.errors.map((e) => e.field)).toEqual(['accounts[1].debtor']);
  });
});

describe('publishing and retiring', () => {
  it('publishing makes the draft version 1 published; the next draft is version 2', async () => {
    const { ladderId, saveDraft } = await publishedLadder();
    const next = await saveDraft(ladderId, { definition: baseDefinition });
    expect(next.body).toMatchObject({ version: 2, status: 'draft' });
  });

  it('publishing with no draft answers 404 naming the ladder', async () => {
    const { ladderId, publish } = await publishedLadder();
    const p = expectProblem(await publish(ladderId), 404);
    expect(p.errors[0]!.field).toBe('ladderId');
  });

  it('the catalog lists each ladder with its newest published version and its open draft', async () => {
    const { ladderId, saveDraft, app } = await publishedLadder();
    await saveDraft(ladderId, { definition: baseDefinition, note: 'vuelta al día 1' });
    const res = await request(app).get('/v1/ladders').set('Authorization', svc);
    expect(res.status).toBe(200);
    expect(res.body.ladders).toContainEqual({
      ladderId,
      latestPublished: 1,
      draft: 2,
      versions: [
        { version: 1, status: 'published', note: 'día 3 en vez de día 1', publishedAt: expect.any(String) },
        { version: 2, status: 'draft', note: 'vuelta al día 1' },
      ],
    });
  });

  it('a retired version records who retired it and why; retiring it again answers it unchanged', async () => {
    const { ladderId, retire } = await publishedLadder();
    const first = await retire(ladderId, 1, 'la SFC objetó el día 3');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'retired', retiredReason: 'la SFC objetó el día 3' });
    const again = await retire(ladderId, 1, 'otra razón');
    expect(again.body.retiredReason).toBe('la SFC objetó el día 3');
  });

  it('a draft cannot be retired (409) and an unknown version is 404', async () => {
    const { ladderId, saveDraft, retire } = await publishedLadder();
    await saveDraft(ladderId, { definition: baseDefinition });
    expectProblem(await retire(ladderId, 2, 'no'), 409);
    expectProblem(await retire(ladderId, 7, 'no'), 404);
  });
});

describe('placing accounts on catalog ladders', () => {
  const startedInput = (a: ReturnType<typeof api>) =>
    (a.temporal.calls.filter((c) => c.method === 'start').at(-1)!.options!.args as [DunningWorkflowInput])[0];

  it('an account placed by ladder id runs its newest published version, whose definition its workflow carries', async () => {
    const a = await publishedLadder();
    const res = await a.place({ ...cuenta(), ladderRef: { id: a.ladderId } });
    expect(res.status).toBe(201);
    expect(res.body.ladder).toEqual({ id: a.ladderId, version: 1 });
    expect(startedInput(a).ladder).toEqual({ id: a.ladderId, version: 1, ...gentler });
  });

  it('an account placed on version 1 after version 2 was published runs version 1', async () => {
    const a = await publishedLadder();
    await a.saveDraft(a.ladderId, { definition: baseDefinition });
    await a.publish(a.ladderId);
    const res = await a.place({ ...cuenta(), ladderRef: { id: a.ladderId, version: 1 } });
    expect(res.body.ladder).toEqual({ id: a.ladderId, version: 1 });
    expect(startedInput(a).ladder.steps[1]!.trigger.offsetDays).toBe(3);
  });

  it('a retired version takes no new account: 422 naming ladderRef.version and the reason', async () => {
    const a = await publishedLadder();
    await a.retire(a.ladderId, 1, 'la SFC objetó el día 3');
    const p = expectProblem(await a.place({ ...cuenta(), ladderRef: { id: a.ladderId, version: 1 } }), 422);
    expect(p.errors).toEqual([
      { field: 'ladderRef.version', message: `ladder ${a.ladderId}@1 is retired (la SFC objetó el día 3)` },
    ]);
    expect(a.temporal.calls.filter((c) => c.method === 'start')).toEqual([]);
  });

  it('a ladder id with no published version is refused naming ladderRef.id', async () => {
    const a = api();
    const ladderId = freshLadderId();
    await a.saveDraft(ladderId, { definition: gentler });
    const p = expectProblem(await a.place({ ...cuenta(), ladderRef: { id: ladderId } }), 422);
    expect(p.errors[0]!.field).toBe('ladderRef.id');
  });

  it('giving both a ladder and a ladderRef is refused naming ladderRef', async () => {
    const a = await publishedLadder();
    const p = expectProblem(await a.place({ ...cuenta(), ladder: defaultLadder, ladderRef: { id: a.ladderId } }), 400);
    expect(p.errors.map((e) => e.field)).toEqual(['ladderRef']);
  });
});

describe('previewing catalog ladders', () => {
  const scenario = (dueDate: string) => ({
    account: cuenta({ dueDate }),
    startAt: new Date(NOW).toISOString(),
    until: new Date(NOW + 20 * 86_400_000).toISOString(),
  });
  const dayOneSms = (body: { actions: { step: string; local: string }[] }) =>
    body.actions.find((x) => x.step === 'day-1-sms')?.local;

  it('/v1/preview runs a published version named by ladderId and ladderVersion', async () => {
    const a = await publishedLadder();
    const res = await request(a.app)
      .post(`/v1/preview?ladderId=${a.ladderId}&ladderVersion=1`)
      .set('Authorization', svc)
      .send(scenario('2026-11-24'));
    expect(res.status).toBe(200);
    expect(dayOneSms(res.body)).toMatch(/^2026-11-27T10:/);
  });

  it('/v1/preview runs the open draft with draft=true', async () => {
    const a = await publishedLadder();
    await a.saveDraft(a.ladderId, { definition: baseDefinition });
    const res = await request(a.app)
      .post(`/v1/preview?ladderId=${a.ladderId}&draft=true`)
      .set('Authorization', svc)
      .send(scenario('2026-11-24'));
    expect(dayOneSms(res.body)).toMatch(/^2026-11-25T10:/);
  });

  it('/v1/preview refuses a body ladder together with ladderId, naming ladderId', async () => {
    const a = await publishedLadder();
    const p = expectProblem(
      await request(a.app)
        .post(`/v1/preview?ladderId=${a.ladderId}`)
        .set('Authorization', svc)
        .send({ ...scenario('2026-11-24'), ladder: defaultLadder }),
      400
    );
    expect(p.errors[0]!.field).toBe('ladderId');
  });
});

describe('segments split new accounts between ladder versions', () => {
  /** A ladder with versions 1 (gentler) and 2 (the base), both published, and a 50/50 split of CO accounts. */
  async function splitHalfAndHalf() {
    const a = await publishedLadder();
    await a.saveDraft(a.ladderId, { definition: baseDefinition });
    await a.publish(a.ladderId);
    const segmentId = `co-temprana-${process.pid}-${++ladderSeq}`;
    const res = await request(a.app)
      .post(`/v1/segments/${segmentId}`)
      .set('Authorization', admin)
      .send({
        name: 'Colombia, mora temprana',
        priority: 0,
        criteria: { jurisdictions: ['CO'], daysPastDue: { min: 0, max: 30 } },
        arms: [
          { ladderId: a.ladderId, version: 1, weight: 50 },
          { ladderId: a.ladderId, version: 2, weight: 50 },
        ],
      });
    expect(res.status).toBe(201);
    return { ...a, segmentId, revision: res.body.revision as number };
  }

  const archive = (a: { app: Parameters<typeof request>[0] }, segmentId: string) =>
    request(a.app).post(`/v1/segments/${segmentId}/archive`).set('Authorization', admin).send();

  it('accounts placed without a ladder are split between the two versions, each with the reason recorded', async () => {
    const a = await splitHalfAndHalf();
    try {
      const placed: { accountId: string; ladder: { version: number }; assignment: { reason: string } }[] = [];
      for (let i = 0; i < 30; i++) placed.push((await a.place(cuenta())).body);
      const versions = new Set(placed.map((p) => p.ladder.version));
      expect([...versions].sort()).toEqual([1, 2]);
      expect(placed[0]!.assignment).toMatchObject({
        by: 'segment',
        segmentId: a.segmentId,
        reason: expect.stringMatching(/^segment .* jurisdiction CO, 5 days past due in \[0, 30\]; arm [01] of 2/),
      });
      const audit = await listAuditEvents(db.db, placed[0]!.accountId);
      expect(audit).toContainEqual(
        expect.objectContaining({ action: 'ladder_assigned', reason: placed[0]!.assignment.reason })
      );
    } finally {
      await archive(a, a.segmentId);
    }
  });

  it('a stopped arm takes no new account: every later account runs the other version', async () => {
    const a = await splitHalfAndHalf();
    try {
      const stop = await request(a.app)
        .post(`/v1/segments/${a.segmentId}/arms/1/stop`)
        .set('Authorization', admin)
        .send({ revision: a.revision, reason: 'tasa de quejas mayor' });
      expect(stop.status).toBe(200);
      expect(stop.body.stoppedArms).toEqual([{ arm: 1, at: expect.any(String), reason: 'tasa de quejas mayor' }]);
      const versions = new Set<number>();
      for (let i = 0; i < 12; i++) versions.add((await a.place(cuenta())).body.ladder.version as number);
      expect([...versions]).toEqual([1]);
    } finally {
      await archive(a, a.segmentId);
    }
  });

  it('stopping an arm of an earlier revision is refused (409 naming revision)', async () => {
    const a = await splitHalfAndHalf();
    try {
      const p = expectProblem(
        await request(a.app)
          .post(`/v1/segments/${a.segmentId}/arms/0/stop`)
          .set('Authorization', admin)
          .send({ revision: a.revision + 1, reason: 'x' }),
        409
      );
      expect(p.errors[0]!.field).toBe('revision');
    } finally {
      await archive(a, a.segmentId);
    }
  });

  it('a segment whose arm names a draft is refused naming the arm', async () => {
    const a = api();
    const ladderId = freshLadderId();
    await a.saveDraft(ladderId, { definition: gentler });
    const p = expectProblem(
      await request(a.app)
        .post(`/v1/segments/solo-borrador-${process.pid}`)
        .set('Authorization', admin)
        .send({ name: 'x', priority: 5, criteria: {}, arms: [{ ladderId, version: 1, weight: 100 }] }),
      422
    );
    expect(p.errors[0]!.field).toBe('arms[0].version');
  });

  it('an account naming its ladder is not routed by segments', async () => {
    const a = await splitHalfAndHalf();
    try {
      const res = await a.place({ ...cuenta(), ladderRef: { id: a.ladderId, version: 2 } });
      expect(res.body.assignment).toEqual({ by: 'placement', reason: `named by the placement: ${a.ladderId}@2` });
    } finally {
      await archive(a, a.segmentId);
    }
  });

  it('/v1/segments/assign answers which ladder an account would get, and places nothing', async () => {
    const a = await splitHalfAndHalf();
    try {
      const res = await request(a.app)
        .post('/v1/segments/assign')
        .set('Authorization', svc)
        .send({ account: cuenta() });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ segmentId: a.segmentId, ladder: { id: a.ladderId } });
      expect(a.temporal.calls).toEqual([]);
    } finally {
      await archive(a, a.segmentId);
    }
  });
});

describe('strategy KPIs and guard-rails', () => {
  /**
   * What the accounts' workflows record, written as they write it (db/repositories): the account row, and its
   * closing status when paid. `paidShare` of each arm's accounts pay in full.
   */
  async function outcomesRecorded(
    placed: { accountId: string; account: Account; arm: number; version: number }[],
    paidShare: number[]
  ) {
    const seen = [0, 0];
    for (const p of placed) {
      await upsertAccount(db.db, {
        account: p.account,
        ladderId: 'x',
        ladderVersion: p.version,
        workflowId: `dunning-${p.account.id}`,
      });
      seen[p.arm]! += 1;
      // Deterministic: every k-th account of the arm pays, k = 1 / share.
      if (seen[p.arm]! % Math.round(1 / paidShare[p.arm]!) === 0) {
        await recordPayment(db.db, {
          accountId: p.account.id,
          paymentId: `pse-${p.account.id}`,
          amountMinor: p.account.balance.amountMinor,
          currency: p.account.balance.currency,
          paidAt: new Date(NOW),
        });
        await updateAccountStatus(db.db, p.account.id, { status: 'paid', balanceMinor: 0 });
      }
    }
  }

  async function placedOnSplit(count: number) {
    const a = api();
    const ladderId = freshLadderId();
    for (const definition of [gentler, baseDefinition]) {
      await a.saveDraft(ladderId, { definition });
      await a.publish(ladderId);
    }
    const segmentId = `co-prueba-${process.pid}-${++ladderSeq}`;
    await request(a.app)
      .post(`/v1/segments/${segmentId}`)
      .set('Authorization', admin)
      .send({
        name: 'Colombia, prueba A/B',
        priority: 0,
        criteria: { jurisdictions: ['CO'] },
        arms: [
          { ladderId, version: 1, weight: 50 },
          { ladderId, version: 2, weight: 50 },
        ],
      })
      .expect(201);
    const placed = [];
    for (let i = 0; i < count; i++) {
      const account = cuenta();
      const body = (await a.place(account)).body as {
        accountId: string;
        ladder: { version: number };
        assignment: { arm: number };
      };
      placed.push({ accountId: body.accountId, account, arm: body.assignment.arm, version: body.ladder.version });
    }
    return { ...a, ladderId, segmentId, placed };
  }

  it('KPIs by arm: placed, recovered, recovery rate and the amount recovered in the account’s currency', async () => {
    const a = await placedOnSplit(40);
    try {
      await outcomesRecorded(a.placed, [0.5, 0.25]);
      const res = await request(a.app).get(`/v1/kpis?segmentId=${a.segmentId}`).set('Authorization', svc);
      expect(res.status).toBe(200);
      const groups = res.body.groups as {
        arm: number;
        placed: number;
        recovered: number;
        recoveryRate: number;
        recoveredAmount: unknown[];
      }[];
      const arm0 = a.placed.filter((p) => p.arm === 0).length;
      expect(groups.find((g) => g.arm === 0)).toMatchObject({
        placed: arm0,
        recovered: Math.floor(arm0 / 2),
        recoveryRate: Number((Math.floor(arm0 / 2) / arm0).toFixed(4)),
        recoveredAmount: [{ currency: 'COP', amountMinor: Math.floor(arm0 / 2) * 150_000_00 }],
      });
    } finally {
      await request(a.app).post(`/v1/segments/${a.segmentId}/archive`).set('Authorization', admin).send();
    }
  });

  it('the guard-rail stops the arm recovering 10 % against 25 %, records why, and later accounts all go to the other', async () => {
    const a = await placedOnSplit(520);
    try {
      await outcomesRecorded(a.placed, [0.25, 0.1]);
      const run = await request(a.app).post('/v1/segments/guard-rails/run').set('Authorization', admin).send();
      expect(run.status).toBe(200);
      expect(run.body.stopped).toEqual([
        expect.objectContaining({ segmentId: a.segmentId, arm: 1, against: 0, metric: 'recovery rate' }),
      ]);
      const listed = (await request(a.app).get('/v1/segments').set('Authorization', admin)).body as {
        segments: { segmentId: string; stoppedArms: unknown[] }[];
      };
      const segment = listed.segments.find((x) => x.segmentId === a.segmentId)!;
      expect(segment.stoppedArms).toEqual([
        {
          arm: 1,
          at: expect.any(String),
          reason: expect.stringMatching(
            /^guard-rail: recovery rate \d+\.\d % of \d+ accounts against 2\d\.\d % of \d+ on arm 0/
          ),
        },
      ]);
      expect((await a.place(cuenta())).body.ladder.version).toBe(1);
      const metrics = await request(a.app).get('/metrics');
      expect(metrics.text).toMatch(/cobranza_guard_rail_stops_total\{metric="recovery rate"\} 1/);
    } finally {
      await request(a.app).post(`/v1/segments/${a.segmentId}/archive`).set('Authorization', admin).send();
    }
  });

  it('two arms recovering alike are both left running', async () => {
    const a = await placedOnSplit(480);
    try {
      await outcomesRecorded(a.placed, [0.2, 0.2]);
      const run = await request(a.app).post('/v1/segments/guard-rails/run').set('Authorization', admin).send();
      expect(run.body.stopped).toEqual([]);
    } finally {
      await request(a.app).post(`/v1/segments/${a.segmentId}/archive`).set('Authorization', admin).send();
    }
  });
});
