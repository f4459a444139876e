import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreateAgentTaskInput,
  DunningActivities,
  RecordAccountChangesInput,
  SendMessageInput,
} from '../../activities/activity-inputs';
import { createWorkers } from '../../worker/create-workers';
import type { Account } from '../../workflows/account';
import { contactPolicyFor } from '../../workflows/jurisdictions';
import { defaultLadder } from '../../workflows/ladder';
import {
  disputeOpenedSignal,
  disputeResolvedSignal,
  optOutSignal,
  paymentReceivedSignal,
  promiseToPaySignal,
  statusQuery,
} from '../../workflows/messages';
import type { dunningWorkflow } from '../../workflows/dunning-workflow';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import {
  DUNNING_WORKFLOW_TYPE,
  TASK_QUEUES,
  workflowIdFor,
  type DunningWorkflowInput,
} from '../../workflows/workflow-input';

/**
 * The dunning workflow against a real Temporal server: the time-skipping test server when
 * TEMPORAL_TEST_SERVER_PATH points at its binary, or `TEMPORAL_TESTS_DOWNLOAD=1` to let the SDK download it.
 * (TEMPORAL_ADDRESS servers cannot skip time, so the weeks-long ladder runs only on the test server.)
 */
const serverPath = process.env.TEMPORAL_TEST_SERVER_PATH;
const mayDownload = process.env.TEMPORAL_TESTS_DOWNLOAD === '1';
const suite = serverPath || mayDownload ? describe : describe.skip;
const title =
  serverPath || mayDownload
    ? 'dunning workflow on a time-skipping Temporal test server'
    : 'dunning workflow on a Temporal server — skipped: no Temporal server here (set TEMPORAL_TEST_SERVER_PATH or TEMPORAL_TESTS_DOWNLOAD=1)';

function recordingActivities() {
  const calls = {
    sends: [] as SendMessageInput[],
    tasks: [] as CreateAgentTaskInput[],
    records: [] as RecordAccountChangesInput[],
  };
  const activities: DunningActivities = {
    sendMessage: (input) => {
      calls.sends.push(input);
      return Promise.resolve({
        providerMessageId: `SM${calls.sends.length}`,
        transport: 'log',
        status: 'queued',
        deduplicated: false,
      });
    },
    createAgentTask: (input) => {
      calls.tasks.push(input);
      return Promise.resolve({ taskId: `task-${calls.tasks.length}`, created: true });
    },
    recordAccountChanges: (input) => {
      calls.records.push(input);
      return Promise.resolve();
    },
  };
  return { calls, activities };
}

/** The test server's clock starts at the real now; dates are relative to it. */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

const account = (id: string): Account => ({
  id,
  debtor: {
    name: 'Camila Restrepo',
    phone: '+573001234567',
    email: 'camila@example.co',
    timezone: 'America/Bogota',
    jurisdiction: 'CO',
    locale: 'es-CO',
  },
  balance: { amountMinor: 45_000_000, currency: 'COP' },
  dueDate: dayFromNow(5),
});

suite(title, () => {
  let env: TestWorkflowEnvironment;
  let workers: Worker[] = [];
  let running: Promise<void>[] = [];
  const { calls, activities } = recordingActivities();

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      ...(serverPath && { server: { executable: { type: 'existing-path', path: serverPath } } }),
    });
    await env.connection.operatorService
      .addSearchAttributes({
        namespace: env.namespace ?? 'default',
        searchAttributes: Object.fromEntries(
          ALL_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type === 'KEYWORD' ? 2 : k.type === 'DATETIME' ? 5 : 3])
        ),
      })
      .catch(() => undefined);
    workers = await createWorkers({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      activities,
      messagingMaxPerSecond: 100,
      shutdownGraceTime: 1000,
    });
    running = workers.map((w) => w.run());
  });

  afterAll(async () => {
    for (const w of workers) w.shutdown();
    await Promise.all(running);
    await env?.teardown();
  });

  const input = (id: string): DunningWorkflowInput => ({
    account: account(id),
    ladder: defaultLadder,
    policy: contactPolicyFor('CO')!,
  });

  it('runs the default ladder to the agent task while the account stays unpaid', async () => {
    const id = 'acc-server-ladder';
    {
      const handle = await env.client.workflow.start<typeof dunningWorkflow>(DUNNING_WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUES.workflows,
        workflowId: workflowIdFor(id),
        args: [input(id)],
      });
      await env.sleep('30 days');
      const status = await handle.query(statusQuery);
      expect(status.stage).toBe('agent-task');
      await handle.signal(paymentReceivedSignal, { paymentId: 'pay-1', amountMinor: 45_000_000 });
      expect((await handle.result()).status).toBe('paid');
    }
    expect(calls.sends.filter((s) => s.accountId === id).map((s) => s.stepKey)).toEqual([
      'pre-due-nudge',
      'day-1-sms',
      'week-1-email',
    ]);
    expect(calls.tasks.filter((t) => t.accountId === id)).toHaveLength(1);
  });

  const start = (id: string) =>
    env.client.workflow.start<typeof dunningWorkflow>(DUNNING_WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUES.workflows,
      workflowId: workflowIdFor(id),
      args: [input(id)],
    });
  const sendsOf = (id: string) => calls.sends.filter((x) => x.accountId === id);

  it('a payment before the first contact closes the account with no message sent', async () => {
    const id = 'acc-server-paid-early';
    const handle = await start(id);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pay-early', amountMinor: 45_000_000 });
    expect((await handle.result()).status).toBe('paid');
    expect(sendsOf(id)).toHaveLength(0);
  });

  it('a duplicate payment signal is applied once', async () => {
    const id = 'acc-server-duplicate';
    const handle = await start(id);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pay-1', amountMinor: 10_000_000 });
    await handle.signal(paymentReceivedSignal, { paymentId: 'pay-1', amountMinor: 10_000_000 });
    const status = await handle.query(statusQuery);
    expect(status.balance.amountMinor).toBe(35_000_000);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pay-2', amountMinor: 35_000_000 });
    expect((await handle.result()).paidMinor).toBe(45_000_000);
  });

  it('after an SMS opt-out only email is used', async () => {
    const id = 'acc-server-optout';
    const handle = await start(id);
    await handle.signal(optOutSignal, { channel: 'sms', source: 'keyword', keyword: 'BAJA' });
    await env.sleep('20 days');
    expect(sendsOf(id).length).toBeGreaterThan(0);
    expect(sendsOf(id).every((x) => x.channel === 'email')).toBe(true);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pay-o', amountMinor: 45_000_000 });
    await handle.result();
  });

  it('a dispute pauses every contact until it is resolved', async () => {
    const id = 'acc-server-dispute';
    const handle = await start(id);
    await handle.signal(disputeOpenedSignal, { disputeId: 'd-1', reason: 'no reconozco el cargo' });
    await env.sleep('30 days');
    expect(sendsOf(id)).toHaveLength(0);
    expect((await handle.query(statusQuery)).status).toBe('disputed');
    await handle.signal(disputeResolvedSignal, { disputeId: 'd-1', outcome: 'upheld' });
    expect((await handle.result()).status).toBe('dispute_upheld');
  });

  it('a promise pauses the ladder and a kept promise creates no agent task', async () => {
    const id = 'acc-server-promise';
    const handle = await start(id);
    await env.sleep('2 days');
    await handle.signal(promiseToPaySignal, {
      promiseId: 'p-1',
      amountMinor: 45_000_000,
      date: dayFromNow(9),
      agentId: 'agente-7',
    });
    await handle.signal(paymentReceivedSignal, { paymentId: 'pay-p', amountMinor: 45_000_000 });
    expect((await handle.result()).status).toBe('paid');
    expect(calls.tasks.filter((t) => t.accountId === id)).toHaveLength(0);
  });
});
