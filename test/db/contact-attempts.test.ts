import { describe, expect, it } from 'vitest';
import { NotFoundError, ConflictError, DuplicateError } from '../../db/errors';
import { createContactAttemptStore, getContactAttempt } from '../../db/repositories/contact-attempts';
import { smsIntent } from './fixtures';
import { countRows, describeEachBackend } from './test-database';

/** The lease the send activity takes: its 30 s start-to-close timeout plus a 15 s margin. */
const LEASE = { durationMs: 45_000 };

describeEachBackend('contact attempt ledger', (ctx) => {
  const store = () => createContactAttemptStore(ctx.db());

  it('claims a new intent as queued with no provider message id', async () => {
    const claimed = await store().claim(smsIntent(), LEASE);
    expect(claimed).toMatchObject({ providerMessageId: null, status: 'queued', transport: null });
    expect(claimed.attemptId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns the same attempt when the same (workflow, step, channel) is claimed again', async () => {
    const first = await store().claim(smsIntent(), LEASE);
    const again = await store().claim(smsIntent({ to: '+573009999999' }), LEASE);
    expect(again.attemptId).toBe(first.attemptId);
    expect(await countRows(ctx.db(), 'contact_attempts')).toBe(1);
  });

  it('keeps distinct attempts for another channel or another step', async () => {
    const sms = await store().claim(smsIntent(), LEASE);
    const email = await store().claim(smsIntent({ channel: 'email', to: 'mariajose.restrepo@example.co' }), LEASE);
    const nextStep = await store().claim(smsIntent({ stepKey: 'day-7-firm' }), LEASE);
    expect(new Set([sms.attemptId, email.attemptId, nextStep.attemptId]).size).toBe(3);
  });

  it('gives every concurrent claimer of one intent the same row', async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, () => store().claim(smsIntent(), LEASE)));
    expect(new Set(claims.map((c) => c.attemptId)).size).toBe(1);
    expect(claims.filter((c) => c.lease === 'acquired')).toHaveLength(1);
    expect(claims.filter((c) => c.lease === 'in_flight')).toHaveLength(7);
    expect(await countRows(ctx.db(), 'contact_attempts')).toBe(1);
  });

  it('hands the provider message id back to a retried claim after markSent', async () => {
    const { attemptId } = await store().claim(smsIntent(), LEASE);
    await store().markSent(attemptId, {
      providerMessageId: 'SM0123456789abcdef',
      transport: 'twilio',
      status: 'queued',
    });
    const retried = await store().claim(smsIntent(), LEASE);
    expect(retried).toEqual({
      attemptId,
      providerMessageId: 'SM0123456789abcdef',
      status: 'queued',
      transport: 'twilio',
      lease: 'already_sent',
      sendAttempt: 1,
      leaseRemainingMs: null,
    });
  });

  it('records markSent once in the timeline even when the activity retries it', async () => {
    const { attemptId } = await store().claim(smsIntent(), LEASE);
    const sent = { providerMessageId: 'SMaaa', transport: 'twilio', status: 'sent' as const };
    await store().markSent(attemptId, sent);
    await store().markSent(attemptId, sent);
    const attempt = await getContactAttempt(ctx.db(), attemptId);
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['sent']);
  });

  it('refuses to overwrite the provider message id of an attempt already sent', async () => {
    const { attemptId } = await store().claim(smsIntent(), LEASE);
    await store().markSent(attemptId, { providerMessageId: 'SMfirst', transport: 'twilio', status: 'sent' });
    await expect(
      store().markSent(attemptId, { providerMessageId: 'SMsecond', transport: 'twilio', status: 'sent' })
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('rejects a provider message id already used by another attempt as a duplicate', async () => {
    const a = await store().claim(smsIntent(), LEASE);
    const b = await store().claim(smsIntent({ stepKey: 'day-7-firm' }), LEASE);
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
    await expect(
      store().markFailed('not-a-uuid', { code: '21211', permanent: true, notSent: true, sendAttempt: 1 })
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('marks a permanent failure with its provider code, and a later send after a transient failure clears it', async () => {
    const { attemptId, sendAttempt } = await store().claim(smsIntent(), LEASE);
    await store().markFailed(attemptId, { code: '429', permanent: false, notSent: true, sendAttempt });
    expect(await getContactAttempt(ctx.db(), attemptId)).toMatchObject({
      status: 'failed',
      error_code: '429',
      permanent: false,
    });
    await store().markSent(attemptId, { providerMessageId: 'SMretry', transport: 'twilio', status: 'sent' });
    const attempt = await getContactAttempt(ctx.db(), attemptId);
    expect(attempt).toMatchObject({ status: 'sent', error_code: null, provider_message_id: 'SMretry' });
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['failed', 'sent']);

    const other = await store().claim(smsIntent({ stepKey: 'day-7-firm' }), LEASE);
    const failure = { code: '21211', permanent: true, notSent: true, sendAttempt: other.sendAttempt };
    await store().markFailed(other.attemptId, failure);
    await store().markFailed(other.attemptId, failure);
    const failed = await getContactAttempt(ctx.db(), other.attemptId);
    expect(failed).toMatchObject({ status: 'failed', error_code: '21211', permanent: true });
    expect(failed?.timeline).toHaveLength(1);
  });

  it('appends delivery callbacks to the timeline and moves the status forward', async () => {
    const { attemptId } = await store().claim(smsIntent(), LEASE);
    await store().markSent(attemptId, { providerMessageId: 'SMdeliv', transport: 'twilio', status: 'queued' });
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000);
    expect(await store().recordDeliveryStatus('SMdeliv', { status: 'sent', at: at(1) })).toBe(true);
    expect(await store().recordDeliveryStatus('SMdeliv', { status: 'delivered', at: at(4) })).toBe(true);
    const attempt = await getContactAttempt(ctx.db(), attemptId);
    expect(attempt?.status).toBe('delivered');
    expect(attempt?.timeline.map((e) => e.status)).toEqual(['queued', 'sent', 'delivered']);
  });

  it('keeps delivered when a late sent or failed callback arrives, recording those only in the timeline', async () => {
    const { attemptId } = await store().claim(smsIntent(), LEASE);
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
    const { attemptId } = await store().claim(smsIntent(), LEASE);
    await store().markSent(attemptId, { providerMessageId: 'SMdup', transport: 'twilio', status: 'sent' });
    const update = { status: 'delivered' as const, at: new Date('2026-11-23T14:00:04Z') };
    await store().recordDeliveryStatus('SMdup', update);
    await store().recordDeliveryStatus('SMdup', update);
    expect(await countRows(ctx.db(), 'contact_attempt_events')).toBe(2);
  });

  it('moves a sent message to failed when the carrier reports undeliverable', async () => {
    const { attemptId } = await store().claim(smsIntent(), LEASE);
    await store().markSent(attemptId, { providerMessageId: 'SMund', transport: 'twilio', status: 'sent' });
    await store().recordDeliveryStatus('SMund', { status: 'failed', errorCode: '30006', at: new Date() });
    expect(await getContactAttempt(ctx.db(), attemptId)).toMatchObject({ status: 'failed', error_code: '30006' });
  });

  it('reports a callback for an unknown provider message id as false and writes nothing', async () => {
    expect(await store().recordDeliveryStatus('SMnobody', { status: 'delivered', at: new Date() })).toBe(false);
    expect(await countRows(ctx.db(), 'contact_attempt_events')).toBe(0);
  });

  describe('send lease', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** Long enough to outlast one round trip, short enough to wait out in a test. */
    const SHORT = { durationMs: 150 };

    it('gives the first claimer the lease and tells a second one how long the lease still runs', async () => {
      const first = await store().claim(smsIntent(), LEASE);
      const second = await store().claim(smsIntent(), LEASE);
      expect(first).toMatchObject({
        lease: 'acquired',
        sendAttempt: 1,
        providerMessageId: null,
        leaseRemainingMs: null,
      });
      expect(second).toMatchObject({ attemptId: first.attemptId, lease: 'in_flight', sendAttempt: 1 });
      expect(second.leaseRemainingMs).toBeGreaterThan(40_000);
      expect(second.leaseRemainingMs).toBeLessThanOrEqual(45_000);
      const row = await getContactAttempt(ctx.db(), first.attemptId);
      expect(row?.lease_until).toBeInstanceOf(Date);
      expect(row?.send_attempts).toBe(1);
    });

    it('reports a lease that ended with no provider id as in doubt, marks it unknown and never lends it again', async () => {
      const first = await store().claim(smsIntent({ workflowId: 'dunning-acc-es-3003' }), SHORT);
      await sleep(250);
      const late = await store().claim(smsIntent({ workflowId: 'dunning-acc-es-3003' }), LEASE);
      const later = await store().claim(smsIntent({ workflowId: 'dunning-acc-es-3003' }), LEASE);
      expect(late).toMatchObject({ attemptId: first.attemptId, lease: 'in_doubt', status: 'unknown', sendAttempt: 1 });
      expect(later).toMatchObject({ lease: 'in_doubt', status: 'unknown', sendAttempt: 1 });
      const row = await getContactAttempt(ctx.db(), first.attemptId);
      expect(row).toMatchObject({ status: 'unknown', error_code: 'send_outcome_unknown', send_attempts: 1 });
      expect(row?.timeline.map((e) => [e.status, e.errorCode])).toEqual([['unknown', 'send_outcome_unknown']]);
    });

    it('releases the lease on a failure proving nothing was sent, so the retry sends as attempt 2', async () => {
      const first = await store().claim(smsIntent(), LEASE);
      await store().markFailed(first.attemptId, {
        code: '20500',
        permanent: false,
        notSent: true,
        sendAttempt: first.sendAttempt,
      });
      const retry = await store().claim(smsIntent(), LEASE);
      expect(retry).toMatchObject({ attemptId: first.attemptId, lease: 'acquired', sendAttempt: 2 });
      await store().markSent(retry.attemptId, { providerMessageId: 'SMretry2', transport: 'twilio', status: 'queued' });
      const third = await store().claim(smsIntent(), LEASE);
      expect(third).toMatchObject({ lease: 'already_sent', providerMessageId: 'SMretry2', sendAttempt: 2 });
    });

    it('ends the lease in doubt at once on a failure after which the provider may have the message', async () => {
      const first = await store().claim(smsIntent(), LEASE);
      await store().markFailed(first.attemptId, {
        code: 'network',
        permanent: false,
        notSent: false,
        sendAttempt: first.sendAttempt,
      });
      expect(await getContactAttempt(ctx.db(), first.attemptId)).toMatchObject({
        status: 'unknown',
        error_code: 'network',
      });
      const retry = await store().claim(smsIntent(), LEASE);
      expect(retry).toMatchObject({ lease: 'in_doubt', status: 'unknown', sendAttempt: 1 });
      // The reason the outcome is unknown stays the one the failing attempt recorded.
      expect(await getContactAttempt(ctx.db(), first.attemptId)).toMatchObject({ error_code: 'network' });
    });

    it('ignores a late failure report from an attempt whose lease a newer attempt now holds', async () => {
      const first = await store().claim(smsIntent(), LEASE);
      const released = { code: '503', permanent: false, notSent: true, sendAttempt: first.sendAttempt };
      await store().markFailed(first.attemptId, released);
      const second = await store().claim(smsIntent(), LEASE);
      expect(second.lease).toBe('acquired');

      // Attempt 1's failure report arrives again (a retried write): attempt 2 must keep its lease.
      await store().markFailed(first.attemptId, released);
      const third = await store().claim(smsIntent(), LEASE);
      expect(third).toMatchObject({ lease: 'in_flight', sendAttempt: 2 });
    });

    it('records the provider id of an attempt that finished after it was judged in doubt', async () => {
      const first = await store().claim(smsIntent({ stepKey: 'week-1-email', channel: 'email' }), SHORT);
      await sleep(250);
      expect((await store().claim(smsIntent({ stepKey: 'week-1-email', channel: 'email' }), LEASE)).lease).toBe(
        'in_doubt'
      );
      await store().markSent(first.attemptId, {
        providerMessageId: 'sg-late-1',
        transport: 'sendgrid',
        status: 'queued',
      });
      const row = await getContactAttempt(ctx.db(), first.attemptId);
      expect(row).toMatchObject({ status: 'queued', provider_message_id: 'sg-late-1', error_code: null });
      expect(row?.timeline.map((e) => e.status)).toEqual(['unknown', 'queued']);
      expect(await store().claim(smsIntent({ stepKey: 'week-1-email', channel: 'email' }), LEASE)).toMatchObject({
        lease: 'already_sent',
        providerMessageId: 'sg-late-1',
      });
    });

    it('refuses a lease that is not a positive number of milliseconds', async () => {
      await expect(store().claim(smsIntent(), { durationMs: 0 })).rejects.toThrow(/positive whole number/);
      expect(await countRows(ctx.db(), 'contact_attempts')).toBe(0);
    });
  });
});
