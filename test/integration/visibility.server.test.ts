import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createApp } from '../../api/app';
import type { Account } from '../../workflows/engine/account';
import { defaultLadder, type Ladder } from '../../workflows/engine/ladder';
import { workflowIdFor } from '../../workflows/workflow-input';
import { addDays, localParts } from '../../workflows/engine/zoned-time';
import { bearer, conta, cuenta, KEYS, memoryLogger, openTestDb, testConfig } from '../api/helpers';
import { startCobranzaWorkers, type RunningWorkers } from '../helpers/cobranza-worker';
import { describeWithTemporal, startDevServer } from '../helpers/temporal-servers';

const run = promisify(execFile);
const svc = bearer(KEYS.service);

/**
 * Cobranza's search attributes as an SRE queries them: accounts placed through the API on a dev server of their
 * own (so a query's answer is exactly this suite's accounts), found through the visibility store with the SDK's
 * list and with the `temporal` CLI. Visibility is eventually consistent, so every query polls with a bounded wait.
 */
describeWithTemporal('search attributes queried through visibility', (servers) => {
  let env: TestWorkflowEnvironment;
  let database: Awaited<ReturnType<typeof openTestDb>>;
  let workers: RunningWorkers;
  let app: ReturnType<typeof createApp>['app'];

  const dueInFiveDays = (zone: string) => addDays(localParts(zone, Date.now()).date, 5);
  const bogotaPaid = cuenta({ dueDate: dueInFiveDays('America/Bogota') });
  const bogota = cuenta({ dueDate: dueInFiveDays('America/Bogota') });
  const saoPaulo = conta({ dueDate: dueInFiveDays('America/Sao_Paulo') });
  const mexico: Account = cuenta({
    debtor: {
      name: 'Guadalupe Hernández Ruiz',
      phone: '+5215512345678',
      email: 'guadalupe.hernandez@example.mx',
      timezone: 'America/Mexico_City',
      jurisdiction: 'MX',
      locale: 'es-MX',
    },
    balance: { amountMinor: 8_750_00, currency: 'MXN' },
    dueDate: dueInFiveDays('America/Mexico_City'),
  });
  const mexicoLadder: Ladder = { ...defaultLadder, id: 'mx-cartera-vencida', version: 2 };

  beforeAll(async () => {
    env = await startDevServer(servers);
    database = await openTestDb();
    workers = await startCobranzaWorkers({ env, db: database.db });
    app = createApp({ temporal: env.client, db: database.db, config: testConfig(), logger: memoryLogger().logger }).app;
    for (const body of [bogotaPaid, bogota, saoPaulo, { ...mexico, ladder: mexicoLadder }])
      await request(app).post('/v1/accounts').set('Authorization', svc).send(body).expect(201);
    await request(app)
      .post(`/v1/accounts/${bogotaPaid.id}/payments`)
      .set('Authorization', svc)
      .send({ paymentId: 'pse-vis-0001', amountMinor: bogotaPaid.balance.amountMinor })
      .expect(202);
    await env.client.workflow.getHandle(workflowIdFor(bogotaPaid.id)).result();
  });

  afterAll(async () => {
    await workers?.stop();
    await env?.teardown();
    await database?.close();
  });

  const idsOf = (...accounts: Account[]) => accounts.map((a) => workflowIdFor(a.id)).sort();
  const listed = async (query: string) => {
    const ids: string[] = [];
    for await (const w of env.client.workflow.list({ query })) ids.push(w.workflowId);
    return ids.sort();
  };
  /** Polls until the query finds exactly `expected`; on timeout the failure shows the last answer. */
  const expectFound = (query: string, expected: string[]) =>
    vi.waitFor(async () => expect(await listed(query), query).toEqual(expected), { timeout: 30_000, interval: 250 });

  it("DunningStatus = 'paid' finds the paid account only", async () => {
    await expectFound(`DunningStatus = 'paid'`, idsOf(bogotaPaid));
  });

  it("Jurisdiction = 'BR' finds the Brazilian account only", async () => {
    await expectFound(`Jurisdiction = 'BR'`, idsOf(saoPaulo));
  });

  it("AccountId = '…' finds that account's workflow", async () => {
    await expectFound(`AccountId = '${mexico.id}'`, idsOf(mexico));
  });

  it("LadderVersion = 'default@1' finds every account on the default ladder and not the custom one", async () => {
    await expectFound(`LadderVersion = 'default@1'`, idsOf(bogotaPaid, bogota, saoPaulo));
    await expectFound(`LadderVersion = 'mx-cartera-vencida@2'`, idsOf(mexico));
  });

  it("the temporal CLI's workflow list finds the paid account by DunningStatus", async () => {
    await expectFound(`DunningStatus = 'paid'`, idsOf(bogotaPaid));
    const { stdout } = await run(servers.cli.path, [
      'workflow',
      'list',
      '--address',
      env.address,
      '--namespace',
      env.namespace ?? 'default',
      '--query',
      "DunningStatus = 'paid'",
      '-o',
      'json',
    ]);
    const found = (JSON.parse(stdout) as { execution: { workflowId: string }; status: string }[]).map((w) => [
      w.execution.workflowId,
      w.status,
    ]);
    expect(found).toEqual([[workflowIdFor(bogotaPaid.id), 'WORKFLOW_EXECUTION_STATUS_COMPLETED']]);
  });
});
