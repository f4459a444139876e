import { expect, it } from 'vitest';
import { ConflictError, DuplicateError, NotFoundError, ValidationError, toDatabaseError } from '../../db/errors';
import { getAccount, updateAccountStatus, upsertAccount } from '../../db/repositories/accounts';
import { getAgreement, upsertAgreement } from '../../db/repositories/agreements';
import { appendAuditEvent, auditDedupeKey, listAuditEvents } from '../../db/repositories/audit-events';
import { isOptedOut, listOptOuts, recordOptOut } from '../../db/repositories/opt-outs';
import { listPayments, recordPayment } from '../../db/repositories/payments';
import { listPromises, upsertPromise } from '../../db/repositories/promises';
import { sql } from 'kysely';
import { bogotaAccount, saoPauloAccount } from './fixtures';
import { countRows, describeEachBackend } from './test-database';

describeEachBackend('account records', (ctx) => {
  it('round-trips an account with its debtor, time zone, money and calendar due date', async () => {
    await upsertAccount(ctx.db(), {
      account: saoPauloAccount(),
      ladderId: 'br-standard',
      ladderVersion: 3,
      workflowId: 'dunning-acc-br-2002',
    });
    const stored = await getAccount(ctx.db(), 'acc-br-2002');
    expect(stored?.account).toEqual(saoPauloAccount());
    expect(stored).toMatchObject({
      ladderId: 'br-standard',
      ladderVersion: 3,
      status: 'active',
      workflowId: 'dunning-acc-br-2002',
    });
    expect(typeof stored?.account.balance.amountMinor).toBe('number');
  });

  it('refreshes placement data on a second upsert without reopening a closed account', async () => {
    await upsertAccount(ctx.db(), { account: bogotaAccount() });
    await updateAccountStatus(ctx.db(), 'acc-co-1001', { status: 'paid', balanceMinor: 0 });
    await upsertAccount(ctx.db(), { account: bogotaAccount({ dueDate: '2026-11-30' }) });
    expect(await getAccount(ctx.db(), 'acc-co-1001')).toMatchObject({
      status: 'paid',
      account: { dueDate: '2026-11-30' },
    });
    expect(await countRows(ctx.db(), 'accounts')).toBe(1);
  });

  it('keeps balances beyond 2^31 minor units exact', async () => {
    const big = 1_234_567_890_123;
    await upsertAccount(ctx.db(), { account: bogotaAccount({ balance: { amountMinor: big, currency: 'COP' } }) });
    expect((await getAccount(ctx.db(), 'acc-co-1001'))?.account.balance.amountMinor).toBe(big);
  });

  it('rejects a negative balance as a validation error naming the field', async () => {
    const err: unknown = await upsertAccount(ctx.db(), {
      account: bogotaAccount({ balance: { amountMinor: -1, currency: 'COP' } }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('balanceMinor');
    expect((err as Error).message).not.toMatch(/violates|check constraint/);
  });

  it('reports a status change for an unknown account as not found', async () => {
    await expect(updateAccountStatus(ctx.db(), 'acc-missing', { status: 'paid' })).rejects.toBeInstanceOf(
      NotFoundError
    );
  });

  it('records a payment once per external id and rejects the same id with another amount', async () => {
    await upsertAccount(ctx.db(), { account: bogotaAccount() });
    const payment = {
      accountId: 'acc-co-1001',
      paymentId: 'pse-7781',
      amountMinor: 10_000_000,
      currency: 'COP',
      paidAt: '2026-11-20T15:30:00Z',
    };
    expect(await recordPayment(ctx.db(), payment)).toEqual({ created: true });
    expect(await recordPayment(ctx.db(), payment)).toEqual({ created: false });
    await expect(recordPayment(ctx.db(), { ...payment, amountMinor: 1 })).rejects.toBeInstanceOf(DuplicateError);
    const payments = await listPayments(ctx.db(), 'acc-co-1001');
    expect(payments).toHaveLength(1);
    expect(payments[0]?.paidAt.toISOString()).toBe('2026-11-20T15:30:00.000Z');
  });

  it('rejects a payment for an account that does not exist as not found', async () => {
    const err: unknown = await recordPayment(ctx.db(), {
      accountId: 'acc-ghost',
      paymentId: 'pix-1',
      amountMinor: 100,
      currency: 'BRL',
      paidAt: new Date(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).field).toBe('accountId');
  });

  it('updates a promise in place when it is kept', async () => {
    await upsertAccount(ctx.db(), { account: saoPauloAccount() });
    const promise = {
      accountId: 'acc-br-2002',
      promiseId: 'p-1',
      amountMinor: 50_000,
      currency: 'BRL',
      date: '2026-12-01',
      agentId: 'agent-rafael-souza',
      status: 'open' as const,
    };
    await upsertPromise(ctx.db(), promise);
    await upsertPromise(ctx.db(), { ...promise, status: 'kept' });
    expect(await listPromises(ctx.db(), 'acc-br-2002')).toMatchObject([
      { promiseId: 'p-1', status: 'kept', date: '2026-12-01' },
    ]);
  });

  it('stores an agreement with its installments and replaces the schedule on update', async () => {
    await upsertAccount(ctx.db(), { account: saoPauloAccount() });
    const agreement = {
      accountId: 'acc-br-2002',
      agreementId: 'a-1',
      agentId: 'agent-rafael-souza',
      currency: 'BRL',
      status: 'active' as const,
      installments: [
        { dueDate: '2026-12-05', amountMinor: 43_317 },
        { dueDate: '2027-01-05', amountMinor: 43_317 },
        { dueDate: '2027-02-05', amountMinor: 43_316 },
      ],
    };
    await upsertAgreement(ctx.db(), agreement);
    await upsertAgreement(ctx.db(), {
      ...agreement,
      installments: agreement.installments.slice(0, 2),
      status: 'broken',
    });
    expect(await getAgreement(ctx.db(), 'acc-br-2002', 'a-1')).toMatchObject({
      status: 'broken',
      installments: agreement.installments.slice(0, 2),
    });
    expect(await countRows(ctx.db(), 'agreement_installments')).toBe(2);
  });

  it('rolls back the whole agreement when an installment is invalid', async () => {
    await upsertAccount(ctx.db(), { account: saoPauloAccount() });
    await expect(
      upsertAgreement(ctx.db(), {
        accountId: 'acc-br-2002',
        agreementId: 'a-bad',
        agentId: 'agent-rafael-souza',
        currency: 'BRL',
        status: 'active',
        installments: [{ dueDate: '2026-12-05', amountMinor: 0 }],
      })
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await countRows(ctx.db(), 'agreements')).toBe(0);
  });

  it('keeps the first opt-out per (account, channel, address) and honours channel "all"', async () => {
    const stop = {
      accountId: 'acc-co-1001',
      channel: 'sms' as const,
      address: '+573001234567',
      source: 'keyword' as const,
      keyword: 'BAJA',
      at: '2026-11-21T02:00:00Z',
    };
    expect(await recordOptOut(ctx.db(), stop)).toEqual({ created: true });
    expect(await recordOptOut(ctx.db(), { ...stop, source: 'agent', at: new Date() })).toEqual({ created: false });
    expect(await isOptedOut(ctx.db(), 'acc-co-1001', 'sms', '+573001234567')).toBe(true);
    expect(await isOptedOut(ctx.db(), 'acc-co-1001', 'email', 'mariajose.restrepo@example.co')).toBe(false);
    await recordOptOut(ctx.db(), { accountId: 'acc-co-1001', channel: 'all', source: 'backend', at: new Date() });
    await recordOptOut(ctx.db(), { accountId: 'acc-co-1001', channel: 'all', source: 'backend', at: new Date() });
    expect(await isOptedOut(ctx.db(), 'acc-co-1001', 'email', 'mariajose.restrepo@example.co')).toBe(true);
    const optOuts = await listOptOuts(ctx.db(), 'acc-co-1001');
    expect(optOuts).toHaveLength(2);
    expect(optOuts[0]).toMatchObject({ source: 'keyword', keyword: 'BAJA' });
  });

  it('records an opt-out of calls received by letter, with who recorded it', async () => {
    await recordOptOut(ctx.db(), {
      accountId: 'acc-co-1001',
      channel: 'call',
      source: 'letter',
      actor: 'backoffice-maria',
      at: '2026-12-02T15:00:00Z',
    });
    expect(await listOptOuts(ctx.db(), 'acc-co-1001')).toEqual([
      expect.objectContaining({ channel: 'call', source: 'letter', actor: 'backoffice-maria' }),
    ]);
  });

  it('appends audit events once per dedupe key, whatever the key order of their data', async () => {
    const event = {
      accountId: 'acc-co-1001',
      actor: 'workflow',
      action: 'message.sent',
      reason: 'ladder step day-3',
      data: { channel: 'sms', step: 'day-3' },
      at: '2026-11-23T14:00:00Z',
    };
    const stored = { at: new Date('2026-11-23T14:00:00Z') };
    expect(await appendAuditEvent(ctx.db(), event, 'dunning-acc-co-1001')).toEqual({ created: true, ...stored });
    const reordered = { ...event, data: { step: 'day-3', channel: 'sms' } };
    expect(await appendAuditEvent(ctx.db(), reordered, 'dunning-acc-co-1001')).toEqual({ created: false, ...stored });
    expect(auditDedupeKey('w', event)).toBe(auditDedupeKey('w', reordered));
    const events = await listAuditEvents(ctx.db(), 'acc-co-1001');
    expect(events).toMatchObject([{ action: 'message.sent', data: { channel: 'sms', step: 'day-3' } }]);
  });

  it('refuses to update or delete audit events', async () => {
    await appendAuditEvent(ctx.db(), {
      accountId: 'acc-co-1001',
      actor: 'agent-lucia',
      action: 'note',
      reason: 'llamada',
      at: new Date(),
    });
    await expect(sql`update audit_events set reason = 'edited'`.execute(ctx.db())).rejects.toThrow(/append-only/);
    await expect(ctx.db().deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
    expect(await countRows(ctx.db(), 'audit_events')).toBe(1);
  });

  it('surfaces an attempt to rewrite the audit trail as a conflict, not as driver text', async () => {
    await appendAuditEvent(ctx.db(), { actor: 'workflow', action: 'placed', reason: 'new account', at: new Date() });
    const err = await sql`delete from audit_events`.execute(ctx.db()).catch((e: unknown) => toDatabaseError(e));
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).field).toBe('auditEvent');
  });
});
