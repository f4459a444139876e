import { createServer } from 'node:net';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessagingActivities } from '../../activities/messaging/create-messaging-activities';
import { createLogEmailTransport, createLogSmsTransport } from '../../activities/messaging/log-transport';
import { workerRuntimeOptions } from '../../worker/runtime-options';
import { TASK_QUEUES } from '../../workflows/workflow-input';
import { openTestLedger, type TestLedger } from '../messaging/contact-attempts';
import { activityEnv, anaEmail, anaSms, recordingLogger } from '../messaging/fixtures';

/** A port nobody listens on right now, for the exporter's bind address. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * The message counters as Prometheus scrapes them: the worker's own Runtime options (the SDK's Core exporter, no
 * Temporal server needed) and the activity meter composed the way `Worker.create` composes it. This pins the exported
 * names the dashboard, the alerts and the runbook use.
 */
describe('the worker exports the message counters through the SDK Prometheus exporter', () => {
  let ledger: TestLedger;
  let metricsUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    Runtime.install(workerRuntimeOptions({ WORKER_METRICS_ADDRESS: `127.0.0.1:${port}` }, new DefaultLogger('WARN')));
    ledger = await openTestLedger();
  });
  afterAll(async () => {
    await ledger.close();
    await Runtime.instance().shutdown();
  });

  async function scrape(until: (text: string) => boolean): Promise<string> {
    let text = '';
    for (let i = 0; i < 50; i++) {
      text = await (await fetch(metricsUrl)).text();
      if (until(text)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return text;
  }

  it('serves cobranza_messages_sent, _failed and _deduplicated unprefixed, without _total, with bounded labels', async () => {
    // What Worker.create gives each activity of the messaging worker.
    const meter = Runtime.instance().metricMeter.withTags({ namespace: 'default', taskQueue: TASK_QUEUES.messaging });
    const logger = recordingLogger();
    const deps = {
      sms: createLogSmsTransport(logger, 'sms'),
      whatsapp: createLogSmsTransport(logger, 'whatsapp'),
      email: createLogEmailTransport(logger),
      attempts: ledger.store,
      publicBaseUrl: 'https://cobranza.example.com',
      logger,
    };
    const { sendMessage } = createMessagingActivities(deps);

    await activityEnv('dunning-acc-mx-1001', 1, meter).run(sendMessage, anaSms);
    await activityEnv('dunning-acc-mx-1001', 2, meter).run(sendMessage, anaSms);
    // No UNSUBSCRIBE_SECRET: the email cannot carry a signed unsubscribe link and is refused as misconfigured.
    await expect(activityEnv('dunning-acc-mx-1001', 1, meter).run(sendMessage, anaEmail)).rejects.toMatchObject({
      type: 'ChannelPermanentlyFailed',
    });

    const text = await scrape((t) => t.includes('cobranza_messages_failed{'));
    const samples = text.split('\n').filter((line) => line.includes('cobranza_'));

    expect(samples).toContain('# TYPE cobranza_messages_sent counter');
    expect(samples).toContain('# TYPE cobranza_messages_failed counter');
    expect(samples).toContain('# TYPE cobranza_messages_deduplicated counter');
    const sample = (name: string, labels: Record<string, string>) =>
      samples.find(
        (line) => line.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))
      );
    const common = { activityType: 'sendMessage', taskQueue: TASK_QUEUES.messaging, service: 'cobranza-worker' };
    expect(sample('cobranza_messages_sent', { ...common, channel: 'sms', transport: 'log' })).toMatch(/ 1$/);
    expect(sample('cobranza_messages_deduplicated', { ...common, channel: 'sms' })).toMatch(/ 1$/);
    expect(sample('cobranza_messages_failed', { ...common, channel: 'email', reason: 'misconfigured' })).toMatch(/ 1$/);
    expect(samples.filter((l) => /temporal_cobranza|cobranza_messages_\w+_total/.test(l))).toEqual([]);
    expect(samples.join('\n')).not.toMatch(/5512345678|ana\.lopez|example\.com|Ana|acc-mx-1001|dunning-/);
  });
});
