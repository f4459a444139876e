import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { DuplicateError } from '../../db/errors';
import { createMigrator } from '../../db/migrator';
import { upsertAccount } from '../../db/repositories/accounts';
import {
  getPlacement,
  listReceivedPayments,
  markDelivered,
  receiveOptOut,
  receivePayment,
  receivePlacement,
} from '../../db/repositories/inbox';
import { recordPayment } from '../../db/repositories/payments';
import { defaultLadder } from '../../workflows/engine/ladder';
import { bogotaAccount, saoPauloAccount } from './fixtures';
import { countRows, describeEachBackend } from './test-database';

describeEachBackend('the API inbox', (ctx) => {
  const ladder = { ...defaultLadder, id: 'co-cartera-temprana', version: 4, steps: defaultLadder.steps.slice(1) };
  const pse = { paymentId: 'pse-0001', amountMinor: 15_000_000, currency: 'COP', paidAt: '2026-11-21T15:00:00.000Z' };

  it('keeps a placement with its ladder snapshot, and writes nothing of the account’s own state', async () => {
    await receivePlacement(ctx.db(), { account: bogotaAccount(), ladder });
    expect(await getPlacement(ctx.db(), 'acc-co-1001')).toEqual({ account: bogotaAccount(), ladder });
    expect(await countRows(ctx.db(), 'accounts')).toBe(0);
  });

  it('answers undefined for an account never placed', async () => {
    expect(await getPlacement(ctx.db(), 'acc-nadie')).toBeUndefined();
  });

  it('takes a corrected placement while the first was never delivered, and keeps a delivered one as it started', async () => {
    await receivePlacement(ctx.db(), { account: bogotaAccount({ dueDate: '2026-11-30' }), ladder });
    await receivePlacement(ctx.db(), { account: bogotaAccount({ dueDate: '2026-12-01' }), ladder });
    expect((await getPlacement(ctx.db(), 'acc-co-1001'))?.account.dueDate).toBe('2026-12-01');
    await markDelivered(ctx.db(), 'acc-co-1001', [{ kind: 'placement', key: 'acc-co-1001' }], 'started');
    await receivePlacement(ctx.db(), { account: bogotaAccount({ dueDate: '2026-12-24' }), ladder });
    expect((await getPlacement(ctx.db(), 'acc-co-1001'))?.account.dueDate).toBe('2026-12-01');
  });

  it('receives a payment once by its id, and says so when it comes again', async () => {
    expect(await receivePayment(ctx.db(), 'acc-co-1001', pse)).toEqual({ duplicate: false });
    expect(await receivePayment(ctx.db(), 'acc-co-1001', pse)).toEqual({ duplicate: true });
    expect(await listReceivedPayments(ctx.db(), 'acc-co-1001')).toEqual([
      { paymentId: 'pse-0001', amountMinor: 15_000_000, paidAt: '2026-11-21T15:00:00.000Z' },
    ]);
  });

  it('refuses the same payment id with another amount, naming paymentId, and keeps the first', async () => {
    await receivePayment(ctx.db(), 'acc-co-1001', pse);
    await expect(receivePayment(ctx.db(), 'acc-co-1001', { ...pse, amountMinor: 1 })).rejects.toMatchObject({
      constructor: DuplicateError,
      field: 'paymentId',
    });
    expect((await listReceivedPayments(ctx.db(), 'acc-co-1001'))[0]?.amountMinor).toBe(15_000_000);
  });

  it('keeps an opt-out received twice (same channel, address, source and time) once', async () => {
    const stop = {
      channel: 'sms' as const,
      address: '+5511987654321',
      source: 'keyword' as const,
      keyword: 'SAIR',
      receivedAt: '2026-11-21T15:00:00.000Z',
    };
    const first = await receiveOptOut(ctx.db(), 'acc-br-2002', stop);
    const again = await receiveOptOut(ctx.db(), 'acc-br-2002', stop);
    expect(again.key).toBe(first.key);
    expect(await countRows(ctx.db(), 'inbox_events')).toBe(1);
  });

  it('records how each event reached the workflow, or why it did not', async () => {
    await receivePayment(ctx.db(), 'acc-co-1001', pse);
    await receivePayment(ctx.db(), 'acc-co-1001', { ...pse, paymentId: 'pse-0002' });
    await markDelivered(ctx.db(), 'acc-co-1001', [{ kind: 'payment', key: 'pse-0002' }], 'closed:paid');
    const rows = await ctx
      .db()
      .selectFrom('inbox_events')
      .select(['key', 'delivery'])
      .where('delivered_at', 'is not', null)
      .execute();
    expect(rows).toEqual([{ key: 'pse-0002', delivery: 'closed:paid' }]);
  });

  it('is filled, on migration, with the placements and payments recorded before it existed', async () => {
    const migrator = createMigrator(ctx.db());
    expect((await migrator.migrateTo('2026_12_02_0002_calls_credit_and_opt_out_sources')).error).toBeUndefined();
    await upsertAccount(ctx.db(), { account: saoPauloAccount(), ladderId: 'default', ladderVersion: 1 });
    await sql`update accounts set ladder = ${JSON.stringify(ladder)}::jsonb where id = 'acc-br-2002'`.execute(ctx.db());
    await recordPayment(ctx.db(), {
      accountId: 'acc-br-2002',
      paymentId: 'pix-0001',
      amountMinor: 50_000,
      currency: 'BRL',
      paidAt: '2026-11-21T15:00:00.000Z',
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(await getPlacement(ctx.db(), 'acc-br-2002')).toEqual({ account: saoPauloAccount(), ladder });
    expect(await listReceivedPayments(ctx.db(), 'acc-br-2002')).toEqual([
      { paymentId: 'pix-0001', amountMinor: 50_000, paidAt: '2026-11-21T15:00:00.000Z' },
    ]);
  });
});
