/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment -- supertest bodies are `any`; the assertions are what check their shape */
import request from 'supertest';
import { expect, it } from 'vitest';
import { addDays } from '../../workflows/engine/zoned-time';
import { workflowIdFor, type DunningWorkflowResult } from '../../workflows/workflow-input';
import { describeWithTemporal } from '../helpers/temporal-servers';
import { agt, placed, statusOf, svc, todayIn, useApiOnTemporal } from './api-on-temporal';
import { expectProblem } from './helpers';

/**
 * Promises to pay and agreements reach the account's workflow as Workflow Updates: the workflow checks them against
 * its own state with the engine's rules and applies them before the API answers. Accounts are Bogotá debtors with
 * a balance of $ 15.000.000 COP due in five days; the default ladder's promise horizon is 45 days.
 */
describeWithTemporal('promises and agreements on a Temporal dev server', (servers) => {
  const bed = useApiOnTemporal(servers);
  const today = () => todayIn('America/Bogota');
  const promise = (accountId: string, body: object) =>
    request(bed.app).post(`/v1/accounts/${accountId}/promises`).set('Authorization', agt).send(body);
  const agreement = (accountId: string, body: object) =>
    request(bed.app).post(`/v1/accounts/${accountId}/agreements`).set('Authorization', agt).send(body);

  it('records a promise in one round trip: 201 naming it, with a generated id, and the status already holds it', async () => {
    const account = await placed(bed);
    const date = addDays(today(), 8);
    const res = await promise(account.id, { amountMinor: 50_000_00, date, agentId: 'agente-lucia-perez' });
    expect(res.status).toBe(201);
    expect(res.body.promise).toMatchObject({ amountMinor: 50_000_00, date, agentId: 'agente-lucia-perez' });
    expect(res.body.promise.promiseId).toMatch(/^prm_/);
    expect(res.body.status).toBe('promise_open');
    const status = await statusOf(bed, account.id);
    expect(status.promises).toEqual([
      expect.objectContaining({ promiseId: res.body.promise.promiseId, date, status: 'open' }),
    ]);
  });

  it('applies a promise sent twice with the same promiseId once', async () => {
    const account = await placed(bed);
    const body = { promiseId: 'promesa-7', amountMinor: 1_000_00, date: today(), agentId: 'agente-lucia-perez' };
    expect((await promise(account.id, body)).status).toBe(201);
    expect((await promise(account.id, body)).status).toBe(201);
    expect((await statusOf(bed, account.id)).promises.map((p) => p.promiseId)).toEqual(['promesa-7']);
  });

  it.each([
    ['a past date', () => ({ date: addDays(todayIn('America/Bogota'), -1) }), 'date', /in the past/],
    [
      'a date beyond the 45-day horizon',
      () => ({ date: addDays(todayIn('America/Bogota'), 46) }),
      'date',
      /beyond the 45-day horizon/,
    ],
    ['an amount above the balance', () => ({ amountMinor: 150_000_01 }), 'amountMinor', /exceeds the balance 15000000/],
  ])('refuses %s with 422 saying why, and records nothing', async (_what, change, field, why) => {
    const account = await placed(bed);
    const res = await promise(account.id, {
      amountMinor: 1_000_00,
      date: addDays(today(), 3),
      agentId: 'a',
      ...change(),
    });
    const p = expectProblem(res, 422);
    expect(p.errors[0]!.field).toBe(field);
    expect(p.detail).toMatch(why);
    const status = await statusOf(bed, account.id);
    expect(status.promises).toEqual([]);
    expect(status.rejectedSignals).toEqual([]);
  });

  it('accepts the last day of the horizon', async () => {
    const account = await placed(bed);
    const res = await promise(account.id, { amountMinor: 1_000_00, date: addDays(today(), 45), agentId: 'a' });
    expect(res.status).toBe(201);
  });

  it('refuses a promise while a dispute is open', async () => {
    const account = await placed(bed);
    await request(bed.app)
      .post(`/v1/accounts/${account.id}/disputes`)
      .set('Authorization', svc)
      .send({ disputeId: 'disp-1', reason: 'no reconozco la deuda' })
      .expect(202);
    const p = expectProblem(
      await promise(account.id, { amountMinor: 1_000_00, date: addDays(today(), 3), agentId: 'a' }),
      422
    );
    expect(p.detail).toBe('a dispute is open');
  });

  it('answers 409 account-closed naming the status for a promise to a paid account', async () => {
    const account = await placed(bed);
    await request(bed.app)
      .post(`/v1/accounts/${account.id}/payments`)
      .set('Authorization', svc)
      .send({ paymentId: `pse-${account.id}`, amountMinor: account.balance.amountMinor })
      .expect(202);
    const result = (await bed.env.client.workflow
      .getHandle(workflowIdFor(account.id))
      .result()) as DunningWorkflowResult;
    expect(result.status).toBe('paid');
    const res = await promise(account.id, { amountMinor: 1_000_00, date: addDays(today(), 3), agentId: 'a' });
    const p = expectProblem(res, 409);
    expect(p.type).toBe('https://cobranza.dev/problems/account-closed');
    expect(res.body.accountStatus).toBe('paid');
  });

  it('answers 404 for an account that was never placed', async () => {
    expectProblem(await promise('nadie', { amountMinor: 1, date: addDays(today(), 3), agentId: 'a' }), 404);
  });

  it('answers 400 naming date for a date that is not a calendar date', async () => {
    const p = expectProblem(await promise('x', { amountMinor: 1, date: '25/11/2026', agentId: 'a' }), 400);
    expect(p.errors[0]!.field).toBe('date');
  });

  const installments = (first: number, ...amounts: number[]) =>
    amounts.map((amountMinor, i) => ({ dueDate: addDays(todayIn('America/Bogota'), first + 30 * i), amountMinor }));

  it('records an agreement in one round trip: 201 with a generated id, and the status shows it active', async () => {
    const account = await placed(bed);
    const res = await agreement(account.id, {
      installments: installments(7, 50_000_00, 50_000_00),
      agentId: 'agente-pedro',
    });
    expect(res.status).toBe(201);
    expect(res.body.agreement.agreementId).toMatch(/^agr_/);
    expect(res.body.status).toBe('in_agreement');
    const status = await statusOf(bed, account.id);
    expect(status.agreement).toMatchObject({ agreementId: res.body.agreement.agreementId, status: 'active' });
  });

  it('refuses an agreement whose total exceeds the balance, naming installments', async () => {
    const account = await placed(bed);
    const p = expectProblem(
      await agreement(account.id, { installments: installments(7, 150_000_01), agentId: 'a' }),
      422
    );
    expect(p.errors[0]!.field).toBe('installments');
  });

  it('refuses an agreement whose first installment is past, naming installments[0].dueDate', async () => {
    const account = await placed(bed);
    const p = expectProblem(
      await agreement(account.id, { installments: installments(-1, 1_000_00), agentId: 'a' }),
      422
    );
    expect(p.errors[0]!.field).toBe('installments[0].dueDate');
  });

  it('refuses an agreement while another is active', async () => {
    const account = await placed(bed);
    expect((await agreement(account.id, { installments: installments(7, 10_000_00), agentId: 'a' })).status).toBe(201);
    const p = expectProblem(
      await agreement(account.id, { installments: installments(9, 10_000_00), agentId: 'a' }),
      422
    );
    expect(p.detail).toBe('an agreement is already active');
  });

  it('refuses installments out of order naming installments, before reaching the workflow', async () => {
    const p = expectProblem(
      await agreement('x', { installments: installments(7, 10_000_00, 10_000_00).reverse(), agentId: 'a' }),
      400
    );
    expect(p.errors[0]!.field).toBe('installments');
  });
});
