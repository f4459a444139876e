import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKeys } from '../../api/config';
import { bearer, cuenta, expectProblem, KEYS, makeApp, openTestDb, testConfig } from './helpers';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

/** [method, path, roles allowed besides admin] */
const MATRIX: [string, string, ('service' | 'agent')[]][] = [
  ['post', '/v1/accounts', ['service']],
  ['post', '/v1/accounts/batch', ['service']],
  ['get', '/v1/accounts/x', ['service', 'agent']],
  ['post', '/v1/accounts/x/payments', ['service']],
  ['post', '/v1/accounts/x/disputes', ['service', 'agent']],
  ['post', '/v1/accounts/x/disputes/resolve', ['service']],
  ['post', '/v1/accounts/x/cancel', ['service']],
  ['post', '/v1/accounts/x/promises', ['agent']],
  ['post', '/v1/accounts/x/agreements', ['agent']],
  ['get', '/v1/agent-tasks', ['agent']],
  ['post', '/v1/agent-tasks/x/claim', ['agent']],
  ['post', '/v1/agent-tasks/x/complete', ['agent']],
  ['post', '/v1/preview', ['service', 'agent']],
];

const call = (app: Parameters<typeof request>[0], method: string, path: string) =>
  method === 'get' ? request(app).get(path) : request(app).post(path);

describe('bearer API keys with roles', () => {
  const { app } = makeApp(null as never, { store: {} as never });

  for (const [method, path, roles] of MATRIX) {
    it(`${method.toUpperCase()} ${path}: 401 without a key, 401 with a bad key, 403 for ${roles.includes('agent') ? 'none' : 'agent'}${roles.includes('service') ? '' : '/service'}`, async () => {
      const none = expectProblem(await call(app, method, path), 401);
      expect(none.errors[0]!.field).toBe('Authorization');
      expectProblem(await call(app, method, path).set('Authorization', bearer('svc_not_a_real_key_000')), 401);
      expectProblem(await call(app, method, path).set('Authorization', 'Basic c3ZjOng='), 401);
      for (const role of ['service', 'agent'] as const) {
        const res = await call(app, method, path).set('Authorization', bearer(KEYS[role]));
        if (roles.includes(role)) expect(res.status, `${role} may call`).not.toBe(403);
        else expectProblem(res, 403);
      }
    });
  }

  it('lets admin call every operation (never 401/403)', async () => {
    for (const [method, path] of MATRIX) {
      const res = await call(app, method, path).set('Authorization', bearer(KEYS.admin));
      expect([401, 403], `${method} ${path}`).not.toContain(res.status);
    }
  });

  it('answers 401 with WWW-Authenticate: Bearer', async () => {
    const res = await request(app).get('/v1/agent-tasks');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });
});

describe('keys are secrets', () => {
  it('never logs the presented key, even when refused or when the request fails', async () => {
    const { app, logLines } = makeApp(db.db);
    await request(app).post('/v1/accounts').set('Authorization', bearer('svc_wrong_but_secret_123')).send(cuenta());
    await request(app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(cuenta());
    const all = logLines.join('\n');
    expect(all).not.toContain('svc_wrong_but_secret_123');
    expect(all).not.toContain(KEYS.service);
  });

  it('refuses a malformed API_KEYS entry without echoing the key', () => {
    expect(() => parseApiKeys('supersecretkey:root')).toThrow(/entry 1/);
    expect(() => parseApiKeys('supersecretkey:root')).not.toThrow(/supersecretkey/);
  });
});

describe('rate limit per key', () => {
  it('answers 429 problem+json with Retry-After past the limit, per key', async () => {
    const { app } = makeApp(db.db, { config: testConfig({ rateLimit: { max: 2, windowMs: 60_000 } }) });
    const get = (k: string) => request(app).get('/v1/accounts/nadie').set('Authorization', bearer(k));
    expect((await get(KEYS.service)).status).toBe(404);
    expect((await get(KEYS.service)).status).toBe(404);
    const limited = await get(KEYS.service);
    expectProblem(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(KEYS.agent)).status).toBe(404);
  });
});

describe('security headers and PII', () => {
  it('sends helmet headers and no X-Powered-By', async () => {
    const { app } = makeApp(db.db);
    const res = await request(app).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('logs neither names, phone numbers nor e-mail addresses of debtors', async () => {
    const { app, logLines, temporal } = makeApp(db.db);
    temporal.failWith = new Error('boom');
    const account = cuenta();
    await request(app).post('/v1/accounts').set('Authorization', bearer(KEYS.service)).send(account).expect(500);
    const all = logLines.join('\n');
    expect(all).toContain('request failed');
    for (const pii of [account.debtor.name, account.debtor.phone!, account.debtor.email!])
      expect(all).not.toContain(pii);
  });
});
