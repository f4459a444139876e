import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-codec';
import { createDataConverter } from '../../codec/data-converter';
import { createKeyring } from '../../codec/encryption-keys';
import { HistoryBuilder } from '../../scenarios/histories/history-builder';
import type { HistoryJson } from '../../scenarios/histories/history-builder';

// What an SRE does with a production history (docs/runbook.md, "Replay a production history"): the history JSON
// from `temporal workflow show --output json` holds encrypted payloads, and replays only with the same data
// converter the worker runs.
const WORKFLOWS_PATH = path.join(__dirname, 'fixtures/notify-workflow.ts');
const keyring = createKeyring({ k2026a: randomBytes(32) }, 'k2026a');
const codec = new AesGcmPayloadCodec(keyring);
const jose = { accountId: 'acc-es-jose-001', debtorName: 'José Ñúñez García', phone: '+34600111222' };

function plainHistory(): HistoryJson {
  return new HistoryBuilder({
    workflowType: 'notifyDebtor',
    workflowId: 'dunning-acc-es-jose-001',
    input: [jose],
    startTime: '2026-12-01T10:00:00Z',
  })
    .workflowTask()
    .activityScheduled('1', 'sendSms', [{ to: jose.phone, body: `Hola ${jose.debtorName}` }])
    .activityCompleted('1', { sid: 'SM-jose-1' })
    .workflowTask()
    .completed('SM-jose-1')
    .toJSON();
}

type JsonPayload = { metadata: Record<string, string>; data?: string };
const isPayload = (v: unknown): v is JsonPayload =>
  typeof v === 'object' && v !== null && typeof (v as JsonPayload).metadata?.encoding === 'string';

async function encryptPayload(value: JsonPayload): Promise<JsonPayload> {
  const payload: Payload = {
    metadata: Object.fromEntries(Object.entries(value.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(value.data ?? '', 'base64'),
  };
  const [encrypted] = await codec.encode([payload]);
  return {
    metadata: Object.fromEntries(
      Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])
    ),
    data: Buffer.from(encrypted!.data!).toString('base64'),
  };
}

/** Encrypts every payload of a history JSON in place, as a worker with the codec would have written it. */
async function encryptHistory(node: unknown): Promise<void> {
  if (typeof node !== 'object' || node === null) return;
  const container = node as Record<string, unknown>;
  for (const key of Object.keys(container)) {
    const value = container[key];
    if (isPayload(value)) container[key] = await encryptPayload(value);
    else await encryptHistory(value);
  }
}

describe('replaying an encrypted history', () => {
  let encryptedJson: string;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') }); // the no-key case logs its failing task at WARN
    } catch {
      // Another suite in this process installed the runtime already.
    }
    const history = plainHistory();
    await encryptHistory(history);
    encryptedJson = JSON.stringify(history);
  });

  it('the exported history holds no plaintext PII', () => {
    for (const needle of ['José', 'Ñúñez', '+34600111222', 'SM-jose-1']) {
      expect(encryptedJson).not.toContain(needle);
      expect(Buffer.from(encryptedJson.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').includes(needle)).toBe(false);
    }
    expect(encryptedJson).toContain(Buffer.from('binary/encrypted').toString('base64'));
  });

  it('replays with the shared data converter (the decrypted input decides the path)', async () => {
    await Worker.runReplayHistory(
      { workflowsPath: WORKFLOWS_PATH, dataConverter: createDataConverter(keyring), replayName: 'encrypted-history' },
      historyFromJSON(JSON.parse(encryptedJson)),
      'dunning-acc-es-jose-001'
    );
  });

  it('fails without the key: the worker cannot read the input', async () => {
    await expect(
      Worker.runReplayHistory(
        { workflowsPath: WORKFLOWS_PATH, replayName: 'encrypted-history-no-codec' },
        historyFromJSON(JSON.parse(encryptedJson)),
        'dunning-acc-es-jose-001'
      )
    ).rejects.toThrow(/binary\/encrypted|Unknown encoding|encoding/i);
  });
});
