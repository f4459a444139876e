import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { createCodecServer } from '../../codec/codec-server';
import { createDataConverter } from '../../codec/data-converter';
import { createKeyring } from '../../codec/encryption-keys';
import type { Account } from '../../workflows/engine/account';
import { workflowIdFor, type DunningWorkflowInput } from '../../workflows/workflow-input';
import { addDays, localParts } from '../../workflows/engine/zoned-time';
import { bearer, conta, KEYS, memoryLogger, openTestDb, testConfig } from '../api/helpers';
import { startCobranzaWorkers, type RunningWorkers } from '../helpers/cobranza-worker';
import { clientWith, describeWithTemporal, startDevServer } from '../helpers/temporal-servers';

/** A payload as proto-JSON writes it (and the Temporal UI posts it): base64 metadata values and data. */
interface JsonPayload {
  metadata: Record<string, string>;
  data?: string;
}

const isPayload = (v: unknown): v is JsonPayload =>
  typeof v === 'object' && v !== null && typeof (v as JsonPayload).metadata?.encoding === 'string';

/** Every payload of a history JSON except search attributes, which the SDK never encodes (and hold no PII). */
function payloadsOf(node: unknown, into: JsonPayload[] = []): JsonPayload[] {
  if (typeof node !== 'object' || node === null) return into;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'searchAttributes') continue;
    if (isPayload(value)) into.push(value);
    else payloadsOf(value, into);
  }
  return into;
}

const text = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('utf8');
const UI_ORIGIN = 'http://localhost:8233';
const CODEC_TOKEN = 'codec-token-for-the-ui-0001';

/**
 * The codec server on a history a real worker wrote: the API's client and the production workers run with the
 * encrypting data converter on a dev server, an account is placed and paid in full, and its raw history (as the
 * Temporal UI reads it from the server) is decrypted by POSTing its payloads to /decode the way the UI does.
 */
describeWithTemporal('the codec server decrypts a real encrypted history', (servers) => {
  const keyring = createKeyring({ k2026a: randomBytes(32) }, 'k2026a');
  let env: TestWorkflowEnvironment;
  let client: Client;
  let database: Awaited<ReturnType<typeof openTestDb>>;
  let workers: RunningWorkers;
  let codecServer: Server;
  let codecUrl: string;
  let historyJson: string;
  const account: Account = conta({
    debtor: {
      name: 'Conceição Araújo Magalhães',
      phone: '+5511987654321',
      email: 'conceicao.araujo@example.com.br',
      timezone: 'America/Sao_Paulo',
      jurisdiction: 'BR',
      locale: 'pt-BR',
    },
    dueDate: addDays(localParts('America/Sao_Paulo', Date.now()).date, 5),
  });

  beforeAll(async () => {
    const dataConverter = createDataConverter(keyring);
    env = await startDevServer(servers);
    client = clientWith(env, dataConverter);
    database = await openTestDb();
    workers = await startCobranzaWorkers({ env, db: database.db, dataConverter });
    const { app } = createApp({
      temporal: client,
      db: database.db,
      config: testConfig(),
      logger: memoryLogger().logger,
    });
    const svc = bearer(KEYS.service);
    await request(app).post('/v1/accounts').set('Authorization', svc).send(account).expect(201);
    await request(app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', svc)
      .send({ paymentId: 'pix-codec-0001', amountMinor: account.balance.amountMinor })
      .expect(202);
    await client.workflow.getHandle(workflowIdFor(account.id)).result();

    // The history as the server stores it, read without any data converter.
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await env.connection.workflowService.getWorkflowExecutionHistory({
        namespace: env.namespace ?? 'default',
        execution: { workflowId: workflowIdFor(account.id) },
        ...(nextPageToken && { nextPageToken }),
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    historyJson = historyToJSON(temporal.api.history.v1.History.create({ events }));

    const codecApp = createCodecServer({
      codec: new AesGcmPayloadCodec(keyring),
      allowedOrigins: [UI_ORIGIN],
      authTokens: [CODEC_TOKEN],
    });
    codecServer = await new Promise<Server>((resolve) => {
      const s = codecApp.listen(0, '127.0.0.1', () => resolve(s));
    });
    codecUrl = `http://127.0.0.1:${(codecServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (codecServer ? codecServer.close(() => resolve()) : resolve()));
    await workers?.stop();
    await env?.teardown();
    await database?.close();
  });

  it('stores every payload of the history as binary/encrypted, with no debtor data readable', () => {
    const payloads = payloadsOf(JSON.parse(historyJson));
    // Start input, signal, activity inputs and results, summaries, the result: far more than a handful.
    expect(payloads.length).toBeGreaterThan(5);
    expect(new Set(payloads.map((p) => text(p.metadata.encoding)))).toEqual(new Set(['binary/encrypted']));
    const readable = historyJson + payloads.map((p) => text(p.data)).join('\n');
    for (const needle of ['Conceição', 'Araújo', account.debtor.phone!, account.debtor.email!])
      expect(readable, needle).not.toContain(needle);
  });

  it("POST /decode, as the Temporal UI sends it, returns the account input with the debtor's name", async () => {
    const payloads = payloadsOf(JSON.parse(historyJson));
    const res = await fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Namespace': env.namespace ?? 'default',
        Authorization: `Bearer ${CODEC_TOKEN}`,
        Origin: UI_ORIGIN,
      },
      body: JSON.stringify({ payloads }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const decoded = ((await res.json()) as { payloads: JsonPayload[] }).payloads;
    expect(decoded).toHaveLength(payloads.length);
    expect(decoded.every((p) => text(p.metadata.encoding) !== 'binary/encrypted')).toBe(true);
    const inputs = decoded
      .filter((p) => text(p.metadata.encoding) === 'json/plain')
      .map((p) => JSON.parse(text(p.data)) as unknown)
      .filter((v): v is DunningWorkflowInput => typeof v === 'object' && v !== null && 'account' in v && 'ladder' in v);
    expect(inputs[0]?.account).toEqual(account);
    expect(inputs[0]?.account.debtor.name).toBe('Conceição Araújo Magalhães');
  });
});
