import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { createCodecServer, payloadsToJson } from '../../codec/codec-server';
import { createKeyring } from '../../codec/encryption-keys';

const UI = 'http://localhost:8080';
const TOKEN = 'test-token-' + randomBytes(8).toString('hex');
const codec = new AesGcmPayloadCodec(createKeyring({ k2026a: randomBytes(32) }, 'k2026a'));
const app = createCodecServer({ codec, allowedOrigins: [UI], authTokens: ['other-token', TOKEN] });

const debtor = { accountId: 'acc-br-joao-001', debtorName: 'João Conceição', city: 'São Paulo' };
const plainBody = () => payloadsToJson([defaultPayloadConverter.toPayload(debtor)]);
const encryptedBody = async () => payloadsToJson(await codec.encode([defaultPayloadConverter.toPayload(debtor)]));
const b64 = (s: string) => Buffer.from(s).toString('base64');
const fromB64Json = (s: string): unknown => JSON.parse(Buffer.from(s, 'base64').toString('utf8'));

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors: { field: string; message: string }[];
}
interface PayloadsJson {
  payloads: { metadata: Record<string, string>; data: string }[];
}
const problem = (res: request.Response): Problem => res.body as Problem;
const payloadsOf = (res: request.Response): PayloadsJson => res.body as PayloadsJson;

describe('codec server: authentication', () => {
  it('401 without a token, with a wrong token, or with another scheme, as problem+json', async () => {
    for (const authorization of [undefined, 'Bearer nope', `Basic ${b64('a:b')}`, `Bearer ${TOKEN}x`]) {
      const req = request(app).post('/decode').set('Content-Type', 'application/json');
      if (authorization) void req.set('Authorization', authorization);
      const res = await req.send(await encryptedBody());
      expect(res.status, authorization).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).toMatchObject({ status: 401, type: 'https://cobranza.dev/problems/unauthorized' });
      expect(JSON.stringify(res.body)).not.toContain('João');
    }
  });

  it('accepts any configured token, and a verifier for forwarded UI access tokens', async () => {
    const res = await request(app)
      .post('/decode')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send(await encryptedBody());
    expect(res.status).toBe(200);
    const withVerifier = createCodecServer({
      codec,
      allowedOrigins: [UI],
      authTokens: [],
      verifyToken: (t) => Promise.resolve(t === 'oidc-access-token'),
    });
    const ok = await request(withVerifier)
      .post('/decode')
      .set('Authorization', 'Bearer oidc-access-token')
      .send(await encryptedBody());
    expect(ok.status).toBe(200);
    const bad = await request(withVerifier)
      .post('/decode')
      .set('Authorization', 'Bearer forged')
      .send(await encryptedBody());
    expect(bad.status).toBe(401);
  });

  it('will not start without a way to authenticate unless told so', () => {
    expect(() => createCodecServer({ codec, allowedOrigins: [UI], authTokens: [] })).toThrow(/allowUnauthenticated/);
    expect(() => createCodecServer({ codec, allowedOrigins: [UI], authTokens: [''] })).toThrow(/allowUnauthenticated/);
    const local = createCodecServer({ codec, allowedOrigins: [UI], authTokens: [], allowUnauthenticated: true });
    return request(local).post('/decode').send({ payloads: [] }).expect(200, { payloads: [] });
  });
});

describe('codec server: CORS for the Temporal UI', () => {
  it('answers the preflight from the UI origin with 204 and the headers the UI sends', async () => {
    const res = await request(app)
      .options('/decode')
      .set('Origin', UI)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace,authorization');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
    expect(res.headers['access-control-allow-headers']).toBe('X-Namespace, Content-Type, Authorization');
    expect(res.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('403 for any other origin, preflight or not, before looking at the token', async () => {
    const preflight = await request(app)
      .options('/decode')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const post = await request(app)
      .post('/decode')
      .set('Origin', 'http://localhost:8081')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send(await encryptedBody());
    expect(post.status).toBe(403);
    expect(post.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem(post).detail).toBe('origin http://localhost:8081 is not allowed');
  });

  it('a decode from the UI origin carries Access-Control-Allow-Origin', async () => {
    const res = await request(app)
      .post('/decode')
      .set('Origin', UI)
      .set('X-Namespace', 'default')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send(await encryptedBody());
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI);
  });
});

describe('codec server: /decode and /encode over HTTP', () => {
  const post = (path: string) =>
    request(app).post(path).set('Authorization', `Bearer ${TOKEN}`).set('X-Namespace', 'default');

  it('decodes encrypted payloads to the original JSON payloads', async () => {
    const res = await post('/decode').send(await encryptedBody());
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const [payload] = payloadsOf(res).payloads;
    expect(payload!.metadata.encoding).toBe(b64('json/plain'));
    expect(fromB64Json(payload!.data)).toEqual(debtor);
  });

  it('decodes an encrypted payload that had no data, such as a void activity result (binary/null)', async () => {
    const encrypted = payloadsToJson(await codec.encode([defaultPayloadConverter.toPayload(undefined)]));
    const res = await post('/decode').send(encrypted);
    expect(res.status).toBe(200);
    expect(payloadsOf(res).payloads).toEqual([{ metadata: { encoding: b64('binary/null') }, data: '' }]);
  });

  it('encodes, and what it encodes decodes again; unencrypted payloads pass through /decode', async () => {
    const encoded = await post('/encode').send(plainBody());
    expect(encoded.status).toBe(200);
    expect(payloadsOf(encoded).payloads[0]!.metadata.encoding).toBe(b64('binary/encrypted'));
    expect(payloadsOf(encoded).payloads[0]!.metadata['encryption-key-id']).toBe(b64('k2026a'));
    expect(Buffer.from(payloadsOf(encoded).payloads[0]!.data, 'base64').includes('João')).toBe(false);
    const decoded = await post('/decode').send(payloadsOf(encoded));
    expect(decoded.body).toEqual(plainBody());
    const passthrough = await post('/decode').send(plainBody());
    expect(passthrough.body).toEqual(plainBody());
  });

  it.each([
    ['no payloads array', { payload: [] }, 'payloads'],
    ['a payload that is not an object', { payloads: ['x'] }, 'payloads[0]'],
    [
      'metadata that is not base64',
      { payloads: [{ metadata: { encoding: 'json/plain!' }, data: '' }] },
      'payloads[0].metadata.encoding',
    ],
    ['data that is not a string', { payloads: [{ metadata: {}, data: 42 }] }, 'payloads[0].data'],
    ['an array body', [], 'body'],
  ])('400 problem+json naming the field for %s', async (_name, body, field) => {
    const res = await post('/decode').send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem(res).type).toBe('https://cobranza.dev/problems/validation-error');
    expect(problem(res).errors).toContainEqual(expect.objectContaining({ field }));
    expect(problem(res).detail).toContain(field);
  });

  it('400 for malformed JSON, 415 for another content type, 404 elsewhere', async () => {
    const malformed = await post('/decode').set('Content-Type', 'application/json').send('{"payloads": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ type: 'https://cobranza.dev/problems/malformed-json' });
    const text = await post('/decode').set('Content-Type', 'text/plain').send('payloads');
    expect(text.status).toBe(415);
    expect((await post('/nope').send({})).status).toBe(404);
  });

  it('422 naming the key id when a payload cannot be decrypted, without echoing payload content', async () => {
    const foreign = new AesGcmPayloadCodec(createKeyring({ k2019: randomBytes(32) }, 'k2019'));
    const body = payloadsToJson(await foreign.encode([defaultPayloadConverter.toPayload(debtor)]));
    const res = await post('/decode').send(body);
    expect(res.status).toBe(422);
    expect(problem(res).detail).toMatch(/key id 'k2019', which is not configured/);
  });

  it('health check needs no token', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
  });
});
