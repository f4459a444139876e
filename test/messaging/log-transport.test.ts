import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMessagingActivities } from '../../activities/messaging/create-messaging-activities';
import { createLogEmailTransport, createLogSmsTransport } from '../../activities/messaging/log-transport';
import { unsubscribeToken } from '../../activities/messaging/unsubscribe-token';
import { openTestLedger, type TestLedger } from './contact-attempts';
import { PUBLIC_BASE_URL, activityEnv, anaEmail, anaSms } from './fixtures';

/** The worker's UNSUBSCRIBE_SECRET in these tests; the API verifies links with the same value. */
const UNSUBSCRIBE_SECRET = 'test-unsubscribe-secret-0123456789abcdef';

/** A real pino logger writing JSON lines into memory, as the worker's would to stdout. */
function pinoLines() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ base: undefined }, sink), lines };
}

describe('log transport (no provider credentials)', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await openTestLedger();
  });
  afterAll(() => ledger.close());
  beforeEach(() => ledger.reset());

  function setup(whatsappContentSids?: ReadonlyMap<string, string>) {
    const { logger, lines } = pinoLines();
    const activities = createMessagingActivities({
      sms: createLogSmsTransport(logger, 'sms'),
      whatsapp: createLogSmsTransport(logger, 'whatsapp', whatsappContentSids),
      email: createLogEmailTransport(logger),
      attempts: ledger.store,
      unsubscribeUrl: `${PUBLIC_BASE_URL}/unsubscribe`,
      unsubscribeSecret: UNSUBSCRIBE_SECRET,
      logger,
    });
    return { activities, lines };
  }

  it('writes one labelled NOT SENT line with the masked number and the text, and reports transport log', async () => {
    const { activities, lines } = setup();

    const result = await activityEnv('dunning-acc-mx-1001').run(activities.sendMessage, anaSms);

    const notSent = lines.filter((l) => String(l.msg).includes('NOT SENT'));
    expect(notSent).toHaveLength(1);
    expect(notSent[0]).toMatchObject({
      level: 30,
      transport: 'log',
      channel: 'sms',
      to: '+52155****5678',
      workflowId: 'dunning-acc-mx-1001',
      stepKey: 'day-1-sms',
      providerMessageId: result.providerMessageId,
      body: expect.stringContaining('Responde BAJA para no recibir más mensajes.') as unknown,
    });
    expect(notSent[0]?.msg).toContain('NOT SENT: no provider credentials');
    expect(JSON.stringify(lines)).not.toContain('+5215512345678');
    expect(result).toMatchObject({ transport: 'log', status: 'queued', deduplicated: false });
    expect(result.providerMessageId).toMatch(/^log-[0-9a-f-]{36}$/);
  });

  it('masks the email address and includes subject, text and the signed unsubscribe link', async () => {
    const { activities, lines } = setup();
    const token = unsubscribeToken(UNSUBSCRIBE_SECRET, {
      wf: 'dunning-acc-mx-1001',
      step: 'week-1-email',
      channel: 'email',
    });

    await activityEnv('dunning-acc-mx-1001').run(activities.sendMessage, anaEmail);

    const [line] = lines.filter((l) => String(l.msg).includes('NOT SENT'));
    expect(line).toMatchObject({
      channel: 'email',
      to: 'a***@example.com',
      subject: 'Aviso: tu pago de $1,500.00 está vencido desde el 15 de marzo de 2026',
      unsubscribeUrl: `${PUBLIC_BASE_URL}/unsubscribe?wf=dunning-acc-mx-1001&step=week-1-email&channel=email&token=${token}`,
    });
    expect(JSON.stringify(lines)).not.toContain('ana.lopez@example.com');
  });

  it('records the log send in the ledger so a retry does not log it twice', async () => {
    const { activities, lines } = setup();

    const first = await activityEnv('dunning-acc-mx-1001', 1).run(activities.sendMessage, anaSms);
    const second = await activityEnv('dunning-acc-mx-1001', 2).run(activities.sendMessage, anaSms);

    expect(lines.filter((l) => String(l.msg).includes('NOT SENT'))).toHaveLength(1);
    expect(second).toEqual({ ...first, deduplicated: true });
    expect(await ledger.find('dunning-acc-mx-1001', 'day-1-sms', 'sms')).toMatchObject({ transport: 'log' });
  });

  it('shows the approved WhatsApp template and its variables it would have sent, beside the text', async () => {
    const { activities, lines } = setup(new Map([['day_1_reminder:es', 'HX0f1e2d3c4b5a69788796a5b4c3d2e1f0']]));

    await activityEnv('dunning-acc-mx-1001').run(activities.sendMessage, { ...anaSms, channel: 'whatsapp' });

    const [line] = lines.filter((l) => String(l.msg).includes('NOT SENT'));
    expect(line).toMatchObject({
      channel: 'whatsapp',
      to: '+52155****5678',
      contentSid: 'HX0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      contentSidKey: 'day_1_reminder:es',
      contentVariables: {
        1: 'Ana López',
        2: '$1,500.00',
        3: '15/03/2026',
        4: 'https://pay.example.com/acc-mx-1001',
        5: 'Financiera Aurora',
      },
      body: expect.stringContaining('Responde BAJA') as unknown,
    });
  });

  it('still logs a WhatsApp message with no template mapped, naming the entries it looked for', async () => {
    const { activities, lines } = setup(new Map([['week_1_notice:es', 'HX0f1e2d3c4b5a69788796a5b4c3d2e1f0']]));

    const result = await activityEnv('dunning-acc-mx-1001').run(activities.sendMessage, {
      ...anaSms,
      channel: 'whatsapp',
    });

    const [line] = lines.filter((l) => String(l.msg).includes('NOT SENT'));
    expect(line).toMatchObject({ contentSid: null, contentSidTried: ['day_1_reminder:es-MX', 'day_1_reminder:es'] });
    expect(result.transport).toBe('log');
  });

  it('logs WhatsApp as plain text, as before, when no templates are configured', async () => {
    const { activities, lines } = setup();

    await activityEnv('dunning-acc-mx-1001').run(activities.sendMessage, { ...anaSms, channel: 'whatsapp' });

    const [line] = lines.filter((l) => String(l.msg).includes('NOT SENT'));
    expect(line).toMatchObject({ channel: 'whatsapp', body: expect.stringContaining('Ana López') as unknown });
    expect(line).not.toHaveProperty('contentSid');
  });
});
