import { expect, it } from 'vitest';
import { NotFoundError, ConflictError, DuplicateError } from '../../db/errors';
import { createContactAttemptStore, getContactAttempt } from '../../db/repositories/contact-attempts';
import { smsIntent } from './fixtures';
import { countRows, describeEachBackend } from './test-database';

describeEachBackend('contact attempt ledger', (ctx) => {
  const store = () => createContactAttemptStore(ctx.db());

  it('claims a new intent as queued with no provider message id', async () => {
    const claimed = await store().claim(smsIntent());
    expect(claimed).toMatchObject({ providerMessageId: null, status: 'queued', transport: null });
    expect(claimed.attemptId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns the same attempt when the same (workflow, step, channel) is claimed again', async () => {
    const first = await store().claim(smsIntent());
    const again = await store().claim(smsIntent({ to: '+573009999999' }));
    expect(again.attemptId).toBe(first.attemptId);
    expect(await countRows(ctx.db(), 'contact_attempts')).toBe(1);
  });

  it('keeps distinct attempts for another channel or another step', async () => {
    const sms = await store().claim(smsIntent());
    const email = await store().claim(smsIntent({ channel: 'email', to: 'mariajose.restrepo@example.co' }));
    const nextStep = await store().claim(smsIntent({ stepKey: 'day-7-firm' }));
    expect(new Set([sms.attemptId, email.attemptId, nextStep.attemptId]).size).toBe(3);
  });

  it('gives every concurrent claimer of one intent the same row', async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, () => store().claim(smsIntent())));
    expect(new Set(claims.map((c) => c.attemptId)).size).toBe(1);
    expect(await countRows(ctx.db(), 'contact_attempts')).toBe(1);
  });

  it('hands the provider message id back to a retried claim after markSent', async () => {
    const { attemptId } = await store().claim(smsIntent());
    await store().markSent(attemptId, {
      providerMessageId: 'SM0123456789abcdef',
      transport: 'twilio',
      status: 'queued',
    });
    const retried = await store().claim(smsIntent());
    expect(retried).toEqual({
      attemptId,
      providerMessageId: 'SM0123456789abcdef',
      status: 'queued',
      transport: 'twilio',
    });
  });

  it('records markSent once in the timeline even when the activity retries it', async () => {
    const { attemptId } = await store().claim(smsIntent());
    const sent = { providerMessageId: 'SMaaa', transport: 'twilio', status: 'sent' as const };
    await store().markSent(attemptId, sent);
    await store().markSent(attemptId, sent);
    const attempt = await getContactAttempt(ctx.db(), attemptId);
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['sent']);
  });

  it('refuses to overwrite the provider message id of an attempt already sent', async () => {
    const { attemptId } = await store().claim(smsIntent());
    await store().markSent(attemptId, { providerMessageId: 'SMfirst', transport: 'twilio', status: 'sent' });
    await expect(
      store().markSent(attemptId, { providerMessageId: 'SMsecond', transport: 'twilio', status: 'sent' })
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('rejects a provider message id already used by another attempt as a duplicate', async () => {
    const a = await store().claim(smsIntent());
    const b = await store().claim(smsIntent({ stepKey: 'day-7-firm' }));
    await store().markSent(a.attemptId, { providerMessageId: 'SMshared', transport: 'twilio', status: 'sent' });
    const err: unknown = await store()
      .markSent(b.attemptId, { providerMessageId: 'SMshared', transport: 'twilio', status: 'sent' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateError);
    expect((err as DuplicateError).field).toBe('providerMessageId');
    expect((err as Error).message).not.toMatch(/violates|constraint/);
  });

  it('reports unknown attempt ids as not found', async () => {
    await expect(
      store().markSent('6f1c1c9e-6a52-4b4e-9a7e-2f4b7f0f0c11', {
        providerMessageId: 'x',
        transport: 'log',
        status: 'sent',
      })
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(store().markFailed('not-a-uuid', { code: '21211', permanent: true })).rejects.toBeInstanceOf(
      NotFoundError
    );
  });

  it('marks a permanent failure with its provider code, and a later send after a transient failure clears it', async () => {
    const { attemptId } = await store().claim(smsIntent());
    await store().markFailed(attemptId, { code: '429', permanent: false });
    expect(await getContactAttempt(ctx.db(), attemptId)).toMatchObject({
      status: 'failed',
      error_code: '429',
      permanent: false,
    });
    await store().markSent(attemptId, { providerMessageId: 'SMretry', transport: 'twilio', status: 'sent' });
    const attempt = await getContactAttempt(ctx.db(), attemptId);
    expect(attempt).toMatchObject({ status: 'sent', error_code: null, provider_message_id: 'SMretry' });
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['failed', 'sent']);

    const other = await store().claim(smsIntent({ stepKey: 'day-7-firm' }));
    await store().markFailed(other.attemptId, { code: '21211', permanent: true });
    await store().markFailed(other.attemptId, { code: '21211', permanent: true });
    const failed = await getContactAttempt(ctx.db(), other.attemptId);
    expect(failed).toMatchObject({ status: 'failed', error_code: '21211', permanent: true });
    expect(failed?.timeline).toHaveLength(1);
  });

  it('appends delivery callbacks to the timeline and moves the status forward', async () => {
    const { attemptId } = await store().claim(smsIntent());
    await store().markSent(attemptId, { providerMessageId: 'SMdeliv', transport: 'twilio', status: 'queued' });
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
    expect(await store().recordDeliveryStatus('SMdeliv', { status: 'sent', at: at(1) })).toBe(true);
    expect(await store().recordDeliveryStatus('SMdeliv', { status: 'delivered', at: at(4) })).toBe(true);
    const attempt = await getContactAttempt(ctx.db(), attemptId);
    expect(attempt?.status).toBe('delivered');
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('keeps delivered when a late sent or failed callback arrives, recording those only in the timeline', async () => {
    const { attemptId } = await store().claim(smsIntent());
    await store().markSent(attemptId, { providerMessageId: 'SMlate', transport: 'twilio', status: 'sent' });
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
    await store().recordDeliveryStatus('SMlate', { status: 'delivered', at: at(5) });
    await store().recordDeliveryStatus('SMlate', { status: 'sent', at: at(2) });
    await store().recordDeliveryStatus('SMlate', { status: 'failed', errorCode: '30003', at: at(9) });
    const attempt = await getContactAttempt(ctx.db(), attemptId);
    expect(attempt).toMatchObject({ status: 'delivered', error_code: null });
    expect(attempt?.timeline.map((e) => [e.status, e.errorCode])).toEqual([
      ['sent', null],
      ['sent', null],
      ['delivered', null],
      ['failed', '30003'],
    ]);
  });

  it('records a redelivered callback once', async () => {
    const { attemptId } = await store().claim(smsIntent());
    await store().markSent(attemptId, { providerMessageId: 'SMdup', transport: 'twilio', status: 'sent' });
    const update = { status: 'delivered' as const, at: new Date('2026-11-23T14:00:04Z') };
    await store().recordDeliveryStatus('SMdup', update);
    await store().recordDeliveryStatus('SMdup', update);
    expect(await countRows(ctx.db(), 'contact_attempt_events')).toBe(2);
  });

  it('moves a sent message to failed when the carrier reports undeliverable', async () => {
    const { attemptId } = await store().claim(smsIntent());
    await store().markSent(attemptId, { providerMessageId: 'SMund', transport: 'twilio', status: 'sent' });
    await store().recordDeliveryStatus('SMund', { status: 'failed', errorCode: '30006', at: new Date() });
    expect(await getContactAttempt(ctx.db(), attemptId)).toMatchObject({ status: 'failed', error_code: '30006' });
  });

  it('reports a callback for an unknown provider message id as false and writes nothing', async () => {
    expect(await store().recordDeliveryStatus('SMnobody', { status: 'delivered', at: new Date() })).toBe(false);
    expect(await countRows(ctx.db(), 'contact_attempt_events')).toBe(0);
  });
});
