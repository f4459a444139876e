/* eslint-disable @typescript-eslint/no-unsafe-member-access -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeToken } from '../../activities/messaging/unsubscribe-token';
import { bearer, cuenta, expectProblem, KEYS, makeApp, openTestDb, receivedOptOuts, testConfig } from './helpers';

const SECRET = 'test-unsubscribe-secret-0123456789abcdef';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

/** `null`: the API runs without UNSUBSCRIBE_SECRET. */
const app = (unsubscribeSecret: string | null = SECRET) =>
  makeApp(db.db, { config: testConfig(unsubscribeSecret !== null ? { unsubscribeSecret } : {}) });

/** The link the worker puts in the email (same parameters, same token). */
function link(wf: string, step = 'week-1-email', overrides: Record<string, string> = {}) {
  const params = { wf, step, channel: 'email' };
  const query = new URLSearchParams({ ...params, token: unsubscribeToken(SECRET, params), ...overrides });
  return `/unsubscribe?${query.toString()}`;
}

async function placed(built: ReturnType<typeof app>) {
  const account = cuenta();
  await request(built.app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(account).expect(201);
  return { account, wf: `dunning-${account.id}` };
}

async function verdicts(built: ReturnType<typeof app>) {
  const metric = await built.metrics.webhookEvents.get();
  return metric.values
    .filter((v) => v.labels.provider === 'unsubscribe')
    .map((v) => ({ type: v.labels.type, verdict: v.labels.verdict, n: v.value }));
}

/** What a browser does with the confirmation page: post its form's fields to its action, asking for HTML. */
async function pressConfirm(built: ReturnType<typeof app>, page: string) {
  const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1]?.replaceAll('&amp;', '&');
  const fields = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]+)">/g)].map(
    ([, name, value]) => `${encodeURIComponent(name ?? '')}=${encodeURIComponent(value ?? '')}`
  );
  expect(action).toBeDefined();
  return request(built.app)
    .post(action ?? '')
    .set('Accept', 'text/html')
    .type('form')
    .send(fields.join('&'));
}

async function unsubscribeThroughPage(built: ReturnType<typeof app>, path: string) {
  const page = await request(built.app).get(path).expect(200);
  return pressConfirm(built, page.text);
}

describe('GET /unsubscribe (the link in every email)', () => {
  it('answers a confirmation page that changes nothing by itself, so mail scanners fetching links opt no one out', async () => {
    const built = app();
    const { account, wf } = await placed(built);

    const res = await request(built.app).get(link(wf)).expect(200);

    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('¿Dejar de recibir correos de cobranza?');
    expect(res.text).toContain('Parar de receber e-mails de cobrança?');
    expect(res.text).toContain(`<form method="post" action="${link(wf).replaceAll('&', '&amp;')}">`);
    for (const pii of [account.debtor.name, String(account.debtor.email)]) expect(res.text).not.toContain(pii);
    expect(built.temporal.signals()).toEqual([]);
    expect(await receivedOptOuts(db.db, account.id)).toEqual([]);
    expect(await verdicts(built)).toEqual([{ type: 'link', verdict: 'confirmation_shown', n: 1 }]);
  });

  it("the page's button signals optOut with source link, records the opt-out and answers a page without PII", async () => {
    const built = app();
    const { account, wf } = await placed(built);

    const res = await unsubscribeThroughPage(built, link(wf));

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Listo: no recibirás más correos de cobranza.');
    expect(res.text).toContain('Pronto: você não receberá mais e-mails de cobrança.');
    expect(res.text).toContain('Done: you will no longer receive collection emails.');
    for (const pii of [account.id, account.debtor.name, String(account.debtor.email)])
      expect(res.text).not.toContain(pii);
    expect(built.temporal.signals('optOut')).toEqual([
      expect.objectContaining({
        method: 'signalWithStart',
        workflowId: wf,
        name: 'optOut',
        args: { channel: 'email', source: 'link', receivedAt: expect.any(String) as unknown },
      }),
    ]);
    expect(await receivedOptOuts(db.db, account.id)).toEqual([
      expect.objectContaining({ channel: 'email', source: 'link' }),
    ]);
    expect(await verdicts(built)).toEqual([
      { type: 'link', verdict: 'confirmation_shown', n: 1 },
      { type: 'page', verdict: 'applied', n: 1 },
    ]);
  });

  it('is idempotent: the same link (or another email of the workflow) changes nothing twice', async () => {
    const built = app();
    const { account, wf } = await placed(built);

    await unsubscribeThroughPage(built, link(wf)).then((r) => expect(r.status).toBe(200));
    const again = await unsubscribeThroughPage(built, link(wf));
    await unsubscribeThroughPage(built, link(wf, 'week-2-email')).then((r) => expect(r.status).toBe(200));
    await request(built.app).post(link(wf)).type('form').send('List-Unsubscribe=One-Click').expect(200);

    expect(again.status).toBe(200);
    expect(again.text).toContain('Listo');
    expect(built.temporal.signals('optOut')).toHaveLength(1);
    expect(await receivedOptOuts(db.db, account.id)).toHaveLength(1);
    expect(await verdicts(built)).toEqual([
      { type: 'link', verdict: 'confirmation_shown', n: 3 },
      { type: 'page', verdict: 'applied', n: 1 },
      { type: 'page', verdict: 'duplicate', n: 2 },
      { type: 'one_click', verdict: 'duplicate', n: 1 },
    ]);
  });

  it('refuses a tampered or missing token with 403 naming token, and acts on nothing', async () => {
    const built = app();
    const { account, wf } = await placed(built);
    const other = await placed(built);

    // A valid token for one workflow, replayed against another (the guessed-workflow-id attack).
    const swapped = link(wf, 'week-1-email', { wf: other.wf });
    const forged = link(wf, 'week-1-email', { step: 'week-2-email' });
    const missing = `/unsubscribe?wf=${wf}&step=week-1-email&channel=email`;
    const wrongSecret = link(wf, 'week-1-email', {
      token: unsubscribeToken('another-unsubscribe-secret-0123456789ab', {
        wf,
        step: 'week-1-email',
        channel: 'email',
      }),
    });
    for (const path of [swapped, forged, missing, wrongSecret]) {
      const shown = expectProblem(await request(built.app).get(path), 403);
      expect(shown.errors.map((e) => e.field)).toEqual(['token']);
      const posted = await request(built.app).post(path).type('form').send('List-Unsubscribe=One-Click&via=page');
      expect(expectProblem(posted, 403).errors.map((e) => e.field)).toEqual(['token']);
    }

    expect(built.temporal.signals('optOut')).toEqual([]);
    expect(await receivedOptOuts(db.db, account.id)).toEqual([]);
    expect(await receivedOptOuts(db.db, other.account.id)).toEqual([]);
    expect(await verdicts(built)).toEqual([
      { type: 'link', verdict: 'bad_token', n: 4 },
      { type: 'page', verdict: 'bad_token', n: 4 },
    ]);
  });

  it('answers 400 naming the missing parameter', async () => {
    const built = app();

    for (const field of ['wf', 'step', 'channel']) {
      const params = new URLSearchParams({ wf: 'dunning-x', step: 'week-1-email', channel: 'email', token: 'x' });
      params.delete(field);
      const problem = expectProblem(await request(built.app).get(`/unsubscribe?${params.toString()}`), 400);
      expect(problem.errors.map((e) => e.field)).toEqual([field]);
    }
    expect(built.temporal.signals()).toEqual([]);
  });

  it('answers 200 for an unknown or finished workflow (nothing left to stop), counted in metrics', async () => {
    const built = app();

    const res = await unsubscribeThroughPage(built, link('dunning-no-such-account'));

    expect(res.status).toBe(200);
    expect(res.text).toContain('Listo');
    expect(built.temporal.signals()).toEqual([]);
    expect(await receivedOptOuts(db.db, 'no-such-account')).toEqual([]);
    expect(await verdicts(built)).toEqual([
      { type: 'link', verdict: 'confirmation_shown', n: 1 },
      { type: 'page', verdict: 'unknown_workflow', n: 1 },
    ]);
  });

  it('does not act on HEAD (link checkers and previews), only answers whether the link is valid', async () => {
    const built = app();
    const { account, wf } = await placed(built);

    await request(built.app).head(link(wf)).expect(200);
    await request(built.app)
      .head(link(wf, 'week-1-email', { step: 'other' }))
      .expect(403);

    expect(built.temporal.signals()).toEqual([]);
    expect(await receivedOptOuts(db.db, account.id)).toEqual([]);
  });

  it('answers 503 problem+json when UNSUBSCRIBE_SECRET is not configured', async () => {
    const built = app(null);
    const { account, wf } = await placed(built);

    const problem = expectProblem(await request(built.app).get(link(wf)), 503);
    expect(problem.detail).toBe('unsubscribe links are not configured');
    expectProblem(await request(built.app).post(link(wf)).type('form').send('List-Unsubscribe=One-Click'), 503);

    expect(built.temporal.signals()).toEqual([]);
    expect(await receivedOptOuts(db.db, account.id)).toEqual([]);
  });
});

describe('POST /unsubscribe (RFC 8058 one-click)', () => {
  it('opts out like the link and answers 200 text/plain', async () => {
    const built = app();
    const { account, wf } = await placed(built);

    const res = await request(built.app).post(link(wf)).type('form').send('List-Unsubscribe=One-Click').expect(200);

    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('Done: you will no longer receive collection emails.');
    expect(built.temporal.signals('optOut')).toEqual([
      expect.objectContaining({
        method: 'signalWithStart',
        workflowId: wf,
        name: 'optOut',
        args: { channel: 'email', source: 'link', receivedAt: expect.any(String) as unknown },
      }),
    ]);
    expect(await receivedOptOuts(db.db, account.id)).toEqual([
      expect.objectContaining({ channel: 'email', source: 'link' }),
    ]);
    expect(await verdicts(built)).toEqual([{ type: 'one_click', verdict: 'applied', n: 1 }]);
  });

  it('accepts the multipart body some mail clients send', async () => {
    const built = app();
    const { wf } = await placed(built);

    await request(built.app).post(link(wf)).field('List-Unsubscribe', 'One-Click').expect(200);

    expect(built.temporal.signals('optOut')).toHaveLength(1);
  });

  it('refuses a tampered token with 403 naming token', async () => {
    const built = app();
    const { wf } = await placed(built);

    const res = await request(built.app)
      .post(link(wf, 'week-1-email', { step: 'week-9-email' }))
      .type('form')
      .send('List-Unsubscribe=One-Click');

    expect(expectProblem(res, 403).errors.map((e) => e.field)).toEqual(['token']);
    expect(built.temporal.signals()).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('documents GET and POST /unsubscribe as public', async () => {
    const built = app();

    const res = await request(built.app).get('/openapi.json').expect(200);

    expect(res.body.paths['/unsubscribe'].get.operationId).toBe('unsubscribeLink');
    expect(res.body.paths['/unsubscribe'].post.operationId).toBe('unsubscribeOneClick');
    expect(res.body.paths['/unsubscribe'].get.security).toEqual([]);
    expect(Object.keys(res.body.paths['/unsubscribe'].get.responses as object)).toEqual(
      expect.arrayContaining(['200', '400', '403', '503'])
    );
  });
});
