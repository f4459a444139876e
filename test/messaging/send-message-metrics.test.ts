import type { MetricMeter } from '@temporalio/common';
import nock from 'nock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogSmsTransport } from '../../activities/messaging/log-transport';
import { MESSAGE_METRIC_NAMES } from '../../activities/messaging/message-metrics';
import { TWILIO_MESSAGES_PATH, activityEnv, anaEmail, anaSms, joaoSms, recordingLogger } from './fixtures';
import { RecordingMetricMeter } from './recording-metric-meter';
import {
  providerActivities,
  useProviderTestBed,
  SENDGRID_API,
  TWILIO_API,
  UNSUBSCRIBE_SECRET,
} from './provider-test-bed';

const WORKFLOW_ID = 'dunning-acc-mx-1001';
const { sent, failed, deduplicated } = MESSAGE_METRIC_NAMES;

function twilioReplies(...replies: [number, Record<string, unknown>][]) {
  let calls = 0;
  nock(TWILIO_API)
    .post(TWILIO_MESSAGES_PATH)
    .times(replies.length)
    .reply(() => replies[calls++] ?? [500, { code: 20500, message: 'Internal', status: 500 }]);
  return { calls: () => calls };
}
const twilioCreated = (n = 1): [number, Record<string, unknown>] => [
  201,
  { sid: `SM${String(n).padStart(32, '0')}`, status: 'queued' },
];
const twilioError = (status: number, code: number, message: string): [number, Record<string, unknown>] => [
  status,
  { code, message, status },
];

describe('sendMessage records per-channel message metrics on the activity meter', () => {
  const bed = useProviderTestBed();
  let meter: RecordingMetricMeter;
  const logger = recordingLogger();

  beforeEach(() => {
    meter = new RecordingMetricMeter();
  });

  function activities({
    unsubscribeSecret = UNSUBSCRIBE_SECRET,
    whatsappOverLog = false,
  }: { unsubscribeSecret?: string; whatsappOverLog?: boolean } = {}) {
    return providerActivities(bed.ledger, {
      ...(whatsappOverLog && { whatsapp: createLogSmsTransport(logger, 'whatsapp') }),
      unsubscribeSecret,
      logger,
    });
  }

  const run = (input = anaSms, attempt = 1, metricMeter: MetricMeter = meter, workflowId = WORKFLOW_ID) =>
    activityEnv(workflowId, attempt, metricMeter).run(activities().sendMessage, input);

  it('counts a successful SMS once as sent{channel=sms, transport=twilio} and nothing else', async () => {
    twilioReplies(twilioCreated());

    await run();

    expect(meter.values).toHaveLength(1);
    expect(meter.values[0]).toMatchObject({
      name: 'cobranza_messages_sent',
      kind: 'counter',
      value: 1,
      tags: { channel: 'sms', transport: 'twilio' },
    });
  });

  it('keeps the activity meter’s own tags (namespace, taskQueue, activityType) beside the channel labels', async () => {
    twilioReplies(twilioCreated());

    await run();

    const { namespace, ...tags } = meter.values[0]?.tags ?? {};
    expect(typeof namespace).toBe('string');
    expect(tags).toEqual({
      taskQueue: 'cobranza-messaging',
      activityType: 'sendMessage',
      channel: 'sms',
      transport: 'twilio',
    });
  });

  it('labels an email accepted by SendGrid transport=sendgrid and a WhatsApp over the log transport transport=log', async () => {
    nock(SENDGRID_API).post('/v3/mail/send').reply(202, '', { 'X-Message-Id': 'sg-msg-1' });

    await run(anaEmail);
    await activityEnv(WORKFLOW_ID, 1, meter).run(activities({ whatsappOverLog: true }).sendMessage, {
      ...anaSms,
      channel: 'whatsapp',
    });

    expect(meter.sum(sent, ['channel', 'transport'])).toEqual({
      'channel=email,transport=sendgrid': 1,
      'channel=whatsapp,transport=log': 1,
    });
  });

  it.each([
    [21211, 'invalid_address', "The 'To' number +5215512345678 is not a valid phone number."],
    [21610, 'opted_out', 'Attempt to send to unsubscribed recipient'],
    [21614, 'unreachable', "'To' number is not a valid mobile number"],
    [21620, 'rejected', 'Invalid media URL(s)'],
  ] as const)(
    'counts Twilio error %i as failed{channel=sms, reason=%s}, the reason channel fallback uses',
    async (code, reason, message) => {
      twilioReplies(twilioError(400, code, message));

      await expect(run()).rejects.toMatchObject({ type: 'ChannelPermanentlyFailed', details: [{ reason }] });

      expect(meter.sum(failed, ['channel', 'reason'])).toEqual({ [`channel=sms,reason=${reason}`]: 1 });
      expect(meter.sum(sent, ['channel'])).toEqual({});
    }
  );

  it('counts a SendGrid 400 as failed{channel=email, reason=invalid_address}', async () => {
    nock(SENDGRID_API)
      .post('/v3/mail/send')
      .reply(400, { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to' }] });

    await expect(run(anaEmail)).rejects.toMatchObject({ type: 'ChannelPermanentlyFailed' });

    expect(meter.sum(failed, ['channel', 'reason'])).toEqual({ 'channel=email,reason=invalid_address': 1 });
  });

  it('counts an email that cannot be signed (no unsubscribe secret) as failed{reason=misconfigured} without sending', async () => {
    await expect(
      activityEnv(WORKFLOW_ID, 1, meter).run(activities({ unsubscribeSecret: '' }).sendMessage, anaEmail)
    ).rejects.toMatchObject({ type: 'ChannelPermanentlyFailed', details: [{ reason: 'misconfigured' }] });

    expect(meter.sum(failed, ['channel', 'reason'])).toEqual({ 'channel=email,reason=misconfigured': 1 });
  });

  it('counts each retryable attempt as failed{reason=temporary}, then the retry that gets through as sent', async () => {
    twilioReplies(twilioError(503, 20500, 'Service Unavailable'), twilioError(429, 20429, 'Too Many'), twilioCreated());

    await expect(run(anaSms, 1)).rejects.toMatchObject({ type: 'ChannelTemporarilyFailed' });
    await expect(run(anaSms, 2)).rejects.toMatchObject({ type: 'ChannelTemporarilyFailed' });
    await run(anaSms, 3);

    expect(meter.sum(failed, ['channel', 'reason'])).toEqual({ 'channel=sms,reason=temporary': 2 });
    expect(meter.sum(sent, ['channel', 'transport'])).toEqual({ 'channel=sms,transport=twilio': 1 });
  });

  it('counts a reset connection, after which Twilio may have the message, as failed{reason=outcome_unknown}', async () => {
    nock(TWILIO_API).post(TWILIO_MESSAGES_PATH).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });

    await expect(run()).rejects.toMatchObject({ type: 'SendOutcomeUnknown', nonRetryable: true });

    expect(meter.sum(failed, ['channel', 'reason'])).toEqual({ 'channel=sms,reason=outcome_unknown': 1 });
    expect(meter.sum(sent, ['channel'])).toEqual({});
  });

  it('counts a refused connection, which never reached Twilio, as failed{reason=temporary}', async () => {
    nock(TWILIO_API)
      .post(TWILIO_MESSAGES_PATH)
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });

    await expect(run()).rejects.toMatchObject({ type: 'ChannelTemporarilyFailed', nonRetryable: false });

    expect(meter.sum(failed, ['channel', 'reason'])).toEqual({ 'channel=sms,reason=temporary': 1 });
  });

  it('counts a retry that finds the message already sent as deduplicated{channel=sms}, not as sent again', async () => {
    const twilio = twilioReplies(twilioCreated());

    const first = await run(anaSms, 1);
    const second = await run(anaSms, 2);

    expect(twilio.calls()).toBe(1);
    expect(second).toEqual({ ...first, deduplicated: true });
    expect(meter.sum(sent, ['channel'])).toEqual({ 'channel=sms': 1 });
    expect(meter.sum(deduplicated, ['channel'])).toEqual({ 'channel=sms': 1 });
  });

  it('never puts a phone number, email address, name, account id or workflow id in a label', async () => {
    twilioReplies(twilioCreated(1), twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'));
    nock(SENDGRID_API).post('/v3/mail/send').reply(202, '', { 'X-Message-Id': 'sg-msg-1' });

    await run(anaSms, 1);
    await run(anaSms, 2);
    await run(anaEmail, 1);
    await expect(run(joaoSms, 1, meter, 'dunning-acc-br-2002')).rejects.toMatchObject({
      type: 'ChannelPermanentlyFailed',
    });

    expect(new Set(meter.values.map((v) => v.name))).toEqual(new Set([sent, deduplicated, failed]));
    const labels = JSON.stringify(meter.values.map((v) => v.tags));
    for (const pii of [
      '5512345678',
      '11987654321',
      'ana.lopez',
      'example.com',
      'Ana',
      'López',
      'João',
      'acc-mx-1001',
      'acc-br-2002',
      'dunning-',
    ]) {
      expect(labels).not.toContain(pii);
    }
    const labelKeys = new Set(meter.values.flatMap((v) => Object.keys(v.tags)));
    expect(labelKeys).toEqual(new Set(['namespace', 'taskQueue', 'activityType', 'channel', 'transport', 'reason']));
  });

  it('still sends, and records the send in the ledger, when the meter itself throws', async () => {
    const broken: MetricMeter = {
      ...new RecordingMetricMeter(),
      createCounter: () => {
        throw new Error('exporter gone');
      },
      createHistogram: () => {
        throw new Error('exporter gone');
      },
      createGauge: () => {
        throw new Error('exporter gone');
      },
      withTags: () => broken,
    };
    const twilio = twilioReplies(twilioCreated());

    const result = await run(anaSms, 1, broken);

    expect(twilio.calls()).toBe(1);
    expect(result.deduplicated).toBe(false);
    expect(await bed.ledger.find(WORKFLOW_ID, 'day-1-sms', 'sms')).toMatchObject({
      provider_message_id: result.providerMessageId,
    });
  });
});
