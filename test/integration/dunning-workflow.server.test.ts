import { ApplicationFailure, Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import type { Database } from '../../db/schema';
import { ana, camila as camilaRestrepo, withDebtor } from '../../scenarios/personas';
import type { Account } from '../../workflows/engine/account';
import { dunningWorkflow } from '../../workflows/dunning-workflow';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { defaultLadder } from '../../workflows/engine/ladder';
import {
  COMMITMENT_REJECTED,
  agreementNegotiatedSignal,
  disputeOpenedSignal,
  disputeResolvedSignal,
  optOutSignal,
  paymentReceivedSignal,
  promiseToPaySignal,
  recordPromiseUpdate,
  statusQuery,
  type DunningStatus,
} from '../../workflows/messages';
import { TASK_QUEUES, workflowIdFor, type DunningWorkflowInput } from '../../workflows/workflow-input';
import { addDays, localParts } from '../../workflows/engine/zoned-time';
import { startCobranzaWorkers, type RunningWorkers } from '../helpers/cobranza-worker';
import { recordHistory } from '../helpers/history-fixtures';
import { describeWithTemporal, startTimeSkippingServer } from '../helpers/temporal-servers';

/**
 * The dunning workflow on Temporal's time-skipping test server, with the production workers and activities: the
 * real ledger and records on an embedded PostgreSQL, and the log transports. Weeks of ladder run in seconds; what
 * the debtor received is read back from the database the activities wrote.
 */
describeWithTemporal('dunning workflow on the time-skipping test server', (servers) => {
  let env: TestWorkflowEnvironment;
  let database: { db: Kysely<Database>; close(): Promise<void> };
  let workers: RunningWorkers;

  beforeAll(async () => {
    env = await startTimeSkippingServer(servers);
    database = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(database.db);
    workers = await startCobranzaWorkers({ env, db: database.db });
  });

  afterAll(async () => {
    await workers?.stop();
    await env?.teardown();
    await database?.close();
  });

  /** Dates are relative to the test server's clock, which starts at the real now and then skips. */
  const today = async (zone = 'America/Bogota') => localParts(zone, await env.currentTimeMs()).date;

  /** Camila under a fresh id per scenario, reached by SMS and email only (a failed SMS falls back to email). */
  const camila = (id: string, dueDate: string): Account =>
    withDebtor(camilaRestrepo({ id, dueDate, paymentLink: `https://pay.example.co/${id}` }), { whatsapp: undefined });

  const start = async (account: Account, extra: Partial<DunningWorkflowInput> = {}) =>
    env.client.workflow.start(dunningWorkflow, {
      taskQueue: TASK_QUEUES.workflows,
      workflowId: workflowIdFor(account.id),
      args: [{ account, ladder: defaultLadder, policy: contactPolicyFor(account.debtor.jurisdiction)!, ...extra }],
    });

  /** `step:channel` of every message the provider accepted (the log transport answers `queued`, as Twilio does). */
  /**
   * The result through a plain client. The time-skipping client's result() unlocks time while it waits, and with
   * nothing else scheduled the test server then leaps ahead to its default ten-year run timeout: the next test would
   * start in another decade, past the accounts' compliance calendars. Time stays locked here; the signalled workflow
   * closes in real time.
   */
  const resultOf = (handle: { workflowId: string }) =>
    new Client({ connection: env.connection, namespace: env.namespace ?? 'default' }).workflow
      .getHandle<typeof dunningWorkflow>(handle.workflowId)
      .result();

  const sentSteps = async (accountId: string) => {
    const rows = await database.db
      .selectFrom('contact_attempts')
      .select(['step_key', 'channel', 'status'])
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
    expect(rows.filter((r) => r.status !== 'queued' && r.status !== 'sent')).toEqual([]);
    return rows.map((r) => `${r.step_key}:${r.channel}`);
  };

  const tasksOf = (accountId: string) =>
    database.db
      .selectFrom('agent_tasks')
      .select(['task_key', 'reason'])
      .where('account_id', '=', accountId)
      .orderBy('seq')
      .execute();

  /**
   * Sleeps the test server through the workflow's planned actions until `step` has contacted the debtor. The clock
   * starts at today's date and earlier scenarios move it on, so a fixed sleep would pass or fail with the calendar:
   * a Colombian holiday or the one-channel-a-week rule can put a step days later than its offset.
   */
  const sleepUntilContacted = async (handle: WorkflowHandle, step: string) => {
    for (let waits = 0; waits < 12; waits++) {
      const status = await handle.query(statusQuery);
      if (status.contacts.some((c) => c.step === step)) return;
      if (!status.nextAction) throw new Error(`${step}: nothing planned, waiting for ${status.waitReason?.code}`);
      const until = Date.parse(status.nextAction.at) - (await env.currentTimeMs());
      await env.sleep(Math.max(until, 0) + 60_000);
    }
    throw new Error(`${step}: no contact after 12 planned actions`);
  };

  /** Every recorded contact was inside Ley 2300's hours, read in Bogotá local time. */
  const expectInsideColombianHours = (status: DunningStatus) => {
    for (const c of status.contacts) {
      const lp = localParts('America/Bogota', Date.parse(c.at));
      const hour = lp.minuteOfDay / 60;
      expect(lp.weekday, `${c.step} on a Sunday`).not.toBe(0);
      expect(hour, `${c.step} at ${c.at}`).toBeGreaterThanOrEqual(lp.weekday === 6 ? 8 : 7);
      expect(hour, `${c.step} at ${c.at}`).toBeLessThan(lp.weekday === 6 ? 15 : 19);
    }
  };

  it('runs the default ladder from the pre-due nudge to the agent task, then closes on payment', async () => {
    const account = camila('srv-ladder', addDays(await today(), 5));
    const handle = await start(account);
    await env.sleep('30 days');
    const status = await handle.query(statusQuery);
    expect(status.stage).toBe('agent-task');
    expectInsideColombianHours(status);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pse-9001', amountMinor: 45_000_000 });
    expect(await resultOf(handle)).toMatchObject({ status: 'paid', paidMinor: 45_000_000, balanceMinor: 0 });

    // Colombia allows one channel a week (Ley 2300 art. 3): the week-1 email waits for the SMS week to pass.
    expect(await sentSteps(account.id)).toEqual(['pre-due-nudge:sms', 'day-1-sms:sms', 'week-1-email:email']);
    expect(await tasksOf(account.id)).toEqual([{ task_key: 'agent-task', reason: 'agent_call_unpaid' }]);
    const row = await database.db
      .selectFrom('accounts')
      .select(['status', 'balance_minor'])
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'paid', balance_minor: 0 });
    await recordHistory(env.client, handle, 'server-full-ladder-paid');
  });

  it('a pre-due nudge offering 15 % off settles the account when the discounted amount is paid in time', async () => {
    const account = camila('srv-discount', addDays(await today(), 5));
    const ladder = {
      ...defaultLadder,
      id: 'pre-due-discount',
      steps: defaultLadder.steps.map((s) =>
        s.id === 'pre-due-nudge' ? { ...s, discount: { percent: 15, validDays: 5 } } : s
      ),
    };
    const handle = await start(account, { ladder });
    await sleepUntilContacted(handle, 'pre-due-nudge');
    const offered = await handle.query(statusQuery);
    expect(await sentSteps(account.id)).toEqual(['pre-due-nudge:sms']);
    // Camila owes COP 450.000: 15 % off is COP 382.500, until five days after the nudge in Bogotá.
    expect(offered.discountOffer).toMatchObject({ step: 'pre-due-nudge', amountMinor: 38_250_000 });

    await handle.signal(paymentReceivedSignal, { paymentId: 'pse-dto-1', amountMinor: 38_250_000 });
    expect(await resultOf(handle)).toMatchObject({ status: 'settled', paidMinor: 38_250_000, balanceMinor: 0 });
    const row = await database.db
      .selectFrom('accounts')
      .select(['status', 'balance_minor'])
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'settled', balance_minor: 0 });
  });

  it('a promise kept by a payment in full closes the account, records the promise kept and creates no agent task', async () => {
    const account = camila('srv-promise-kept', addDays(await today(), -2));
    const handle = await start(account);
    await env.sleep('1 day');
    await handle.signal(promiseToPaySignal, {
      promiseId: 'prm-kept',
      amountMinor: 45_000_000,
      date: addDays(await today(), 5),
      agentId: 'agente-7',
    });
    await env.sleep('3 days');
    await handle.signal(paymentReceivedSignal, { paymentId: 'pse-kept', amountMinor: 45_000_000 });
    expect((await resultOf(handle)).status).toBe('paid');
    expect(await tasksOf(account.id)).toEqual([]);
    const promise = await database.db
      .selectFrom('promises')
      .select(['promise_id', 'status'])
      .where('account_id', '=', account.id)
      .execute();
    expect(promise).toEqual([{ promise_id: 'prm-kept', status: 'kept' }]);
    await recordHistory(env.client, handle, 'server-promise-kept');
  });

  it('accepts a promise by Update in one round trip: the answer names it and the status already holds it', async () => {
    const account = camila('srv-promise-update', addDays(await today(), -2));
    const handle = await start(account);
    const date = addDays(await today(), 5);

    const answer = await handle.executeUpdate(recordPromiseUpdate, {
      args: [{ promiseId: 'prm-update', amountMinor: 45_000_000, date, agentId: 'agente-7' }],
      updateId: 'prm-update',
    });

    expect(answer).toEqual({ accepted: true, id: 'prm-update', status: 'promise_open' });
    expect((await handle.query(statusQuery)).promises).toMatchObject([{ promiseId: 'prm-update', status: 'open' }]);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pse-update', amountMinor: 45_000_000 });
    expect((await resultOf(handle)).status).toBe('paid');
  });

  it('rejects a promise dated in the past by Update, naming the field, and records nothing of it', async () => {
    const account = camila('srv-promise-update-past', addDays(await today(), -2));
    const handle = await start(account);

    const rejected = await handle
      .executeUpdate(recordPromiseUpdate, {
        args: [
          { promiseId: 'prm-past', amountMinor: 10_000_000, date: addDays(await today(), -1), agentId: 'agente-7' },
        ],
        updateId: 'prm-past',
      })
      .then(
        () => undefined,
        (err: unknown) => err
      );

    expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (rejected as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe(COMMITMENT_REJECTED);
    expect((cause as ApplicationFailure).details?.[0]).toMatchObject({ field: 'date' });
    const status = await handle.query(statusQuery);
    expect(status.promises).toEqual([]);
    expect(status.rejectedSignals).toEqual([]);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pse-past', amountMinor: 45_000_000 });
    expect((await resultOf(handle)).status).toBe('paid');
  });

  // Ana in Mexico City: contact every day from 07:00 to 22:00, so the reminder's day never depends on the calendar the
  // test server's clock has skipped to (a Colombian festivo or Sunday would move it past the promised date).
  it('a broken promise sends its reminder, then creates an agent task and resumes the ladder', async () => {
    const zone = 'America/Mexico_City';
    const account = ana({
      id: 'srv-promise-broken',
      dueDate: addDays(await today(zone), -2),
      paymentLink: 'https://pagos.example.mx/srv-promise-broken',
    });
    const handle = await start(account);
    await env.sleep('1 day');
    await handle.signal(promiseToPaySignal, {
      promiseId: 'prm-broken',
      amountMinor: 150_000,
      date: addDays(await today(zone), 4),
      agentId: 'agente-7',
    });
    await env.sleep('8 days');
    const status = await handle.query(statusQuery);
    expect(status.promises).toMatchObject([{ promiseId: 'prm-broken', status: 'broken' }]);
    expect(status.status).toBe('active');
    expect(await tasksOf(account.id)).toContainEqual({
      task_key: 'promise-broken:prm-broken',
      reason: 'promise_broken',
    });
    expect(await sentSteps(account.id)).toContain('promise-reminder:prm-broken:sms');
    await handle.signal(paymentReceivedSignal, { paymentId: 'spei-late', amountMinor: 150_000 });
    expect((await resultOf(handle)).status).toBe('paid');
    await recordHistory(env.client, handle, 'server-promise-broken');
  });

  it('an agreement whose second installment is missed is broken and goes to an agent', async () => {
    const account = camila('srv-agreement', addDays(await today(), -3));
    const handle = await start(account);
    const t = await today();
    await handle.signal(agreementNegotiatedSignal, {
      agreementId: 'acuerdo-1',
      agentId: 'agente-3',
      installments: [
        { dueDate: addDays(t, 7), amountMinor: 15_000_000 },
        { dueDate: addDays(t, 37), amountMinor: 15_000_000 },
        { dueDate: addDays(t, 67), amountMinor: 15_000_000 },
      ],
    });
    await env.sleep('6 days');
    await handle.signal(paymentReceivedSignal, { paymentId: 'cuota-1', amountMinor: 15_000_000 });
    await env.sleep('40 days');
    const status = await handle.query(statusQuery);
    expect(status.agreement).toMatchObject({
      agreementId: 'acuerdo-1',
      status: 'broken',
      installments: [{ status: 'kept' }, { status: 'missed' }, { status: 'pending' }],
    });
    expect(status.balance.amountMinor).toBe(30_000_000);
    expect(await tasksOf(account.id)).toContainEqual({
      task_key: 'agreement-broken:acuerdo-1',
      reason: 'agreement_broken',
    });
    await handle.signal(paymentReceivedSignal, { paymentId: 'saldo', amountMinor: 30_000_000 });
    expect((await resultOf(handle)).status).toBe('paid');
    await recordHistory(env.client, handle, 'server-agreement-missed-installment');
  });

  it('a dispute stops every contact while it is open; upheld, it closes the account', async () => {
    const account = camila('srv-dispute', addDays(await today(), 5));
    const handle = await start(account);
    await handle.signal(disputeOpenedSignal, { disputeId: 'disp-1', reason: 'no reconozco el cargo' });
    await env.sleep('30 days');
    expect((await handle.query(statusQuery)).status).toBe('disputed');
    expect(await sentSteps(account.id)).toEqual([]);
    await handle.signal(disputeResolvedSignal, { disputeId: 'disp-1', outcome: 'upheld' });
    expect((await resultOf(handle)).status).toBe('dispute_upheld');
    await recordHistory(env.client, handle, 'server-dispute-upheld');
  });

  it('after an SMS opt-out (BAJA) every later message goes by email', async () => {
    const account = camila('srv-opt-out', addDays(await today(), 5));
    const handle = await start(account);
    await handle.signal(optOutSignal, { channel: 'sms', source: 'keyword', keyword: 'BAJA' });
    await env.sleep('20 days');
    const sent = await sentSteps(account.id);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((s) => s.endsWith(':email'))).toBe(true);
    const optOuts = await database.db
      .selectFrom('opt_outs')
      .select(['channel', 'source', 'keyword'])
      .where('account_id', '=', account.id)
      .execute();
    expect(optOuts).toEqual([{ channel: 'sms', source: 'keyword', keyword: 'BAJA' }]);
    await handle.signal(paymentReceivedSignal, { paymentId: 'pse-o', amountMinor: 45_000_000 });
    await resultOf(handle);
    await recordHistory(env.client, handle, 'server-opt-out-sms');
  });

  it('continues as new with its state: the next run neither repeats a step nor forgets a payment', async () => {
    const account = camila('srv-continue', addDays(await today(), 5));
    const handle = await start(account, { continueAsNewAfterSteps: 2 });
    await handle.signal(paymentReceivedSignal, { paymentId: 'abono-1', amountMinor: 5_000_000 });
    const latest = env.client.workflow.getHandle(handle.workflowId);
    await sleepUntilContacted(latest, 'week-1-email');
    const { runId: currentRunId } = await latest.describe();
    expect(currentRunId).not.toBe(handle.firstExecutionRunId);
    const status = await latest.query(statusQuery);
    expect(status.paidMinor).toBe(5_000_000);
    expect(await sentSteps(account.id)).toEqual(['pre-due-nudge:sms', 'day-1-sms:sms', 'week-1-email:email']);
    await latest.signal(paymentReceivedSignal, { paymentId: 'abono-2', amountMinor: 40_000_000 });
    expect(await resultOf(latest)).toMatchObject({ status: 'paid', paidMinor: 45_000_000 });
    await recordHistory(env.client, handle, 'server-continue-as-new-first-run');
    await recordHistory(
      env.client,
      { workflowId: handle.workflowId, runId: currentRunId },
      'server-continue-as-new-second-run'
    );
  });
});
