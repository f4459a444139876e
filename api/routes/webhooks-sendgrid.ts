import { WorkflowNotFoundError } from '@temporalio/client';
import { EventWebhook } from '@sendgrid/eventwebhook';
import express, { type RequestHandler } from 'express';
import type { z } from 'zod';
import { inputProblems } from '../../workflows/engine/input-problems';
import type { OptOutInput } from '../../workflows/engine/account-events';
import { workflowIdFor } from '../../workflows/workflow-input';
import type { WebhookDeduper } from '../dedupe';
import type { RouteDeps } from '../deps';
import { receiveAndDeliverOptOut } from '../opt-out-delivery';
import { ProblemError, problems } from '../problem';
import { addRoute, requireContentType, type RouteContext } from '../route';
import { SendgridEvents, WebhookAck } from '../schemas';
import { signalWorkflow } from '../signals';

type SendgridEvent = z.infer<typeof SendgridEvents>[number];

const SIG = 'x-twilio-email-event-webhook-signature';
const TS = 'x-twilio-email-event-webhook-timestamp';

/** ECDSA over timestamp + raw body with the account's verification key; 403 on anything else. */
function verifySendgrid(deps: RouteDeps): RequestHandler {
  const ew = new EventWebhook();
  let key: ReturnType<EventWebhook['convertPublicKeyToECDSA']> | undefined;
  return (req, _res, next) => {
    const pem = deps.config.sendgridPublicKey;
    if (!pem) return next(problems.unavailable('the SendGrid webhook is not configured (SENDGRID_WEBHOOK_PUBLIC_KEY)'));
    const signature = req.get(SIG);
    const timestamp = req.get(TS);
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let ok = false;
    if (signature && timestamp) {
      try {
        key ??= ew.convertPublicKeyToECDSA(pem);
        ok = ew.verifySignature(key, raw, signature, timestamp);
      } catch {
        ok = false;
      }
      const maxAge = deps.config.sendgridMaxAgeSeconds;
      if (ok && maxAge > 0 && Math.abs(deps.now() / 1000 - Number(timestamp)) > maxAge) ok = false;
    }
    if (!ok) {
      deps.metrics.webhookEvents.inc({ provider: 'sendgrid', type: 'batch', verdict: 'bad_signature' });
      return next(
        new ProblemError(403, 'invalid-signature', 'the SendGrid event webhook signature is missing or invalid', [
          {
            field: signature ? 'X-Twilio-Email-Event-Webhook-Signature' : 'X-Twilio-Email-Event-Webhook-Timestamp',
            message: 'missing or invalid',
          },
        ])
      );
    }
    next();
  };
}

type Effect =
  | { kind: 'delivery'; status: 'sent' | 'delivered' | 'failed'; permanent: boolean }
  | { kind: 'optOut'; source: OptOutInput['source'] }
  | null;

function effectOf(e: SendgridEvent): Effect {
  switch (e.event) {
    case 'processed':
      return { kind: 'delivery', status: 'sent', permanent: false };
    case 'delivered':
      return { kind: 'delivery', status: 'delivered', permanent: false };
    case 'bounce':
      return { kind: 'delivery', status: 'failed', permanent: e.type !== 'blocked' };
    case 'dropped':
      return { kind: 'delivery', status: 'failed', permanent: true };
    case 'deferred':
    case 'blocked':
      return { kind: 'delivery', status: 'failed', permanent: false };
    case 'unsubscribe':
    case 'group_unsubscribe':
      return { kind: 'optOut', source: 'link' };
    case 'spamreport':
      return { kind: 'optOut', source: 'provider' };
    default:
      return null; // open, click, group_resubscribe...
  }
}

/** X-Message-Id is what the send stored; events carry it as the prefix of sg_message_id. */
const providerIdOf = (e: SendgridEvent) => e.sg_message_id?.split('.')[0];

export function registerSendgridWebhooks(ctx: RouteContext, deps: RouteDeps, dedupe: WebhookDeduper): void {
  const count = (type: string, verdict: string) =>
    deps.metrics.webhookEvents.inc({ provider: 'sendgrid', type, verdict });

  async function handle(e: SendgridEvent): Promise<boolean> {
    const effect = effectOf(e);
    if (!effect) {
      count(e.event, 'ignored');
      return false;
    }
    const providerId = providerIdOf(e);
    const key = `sendgrid:${e.sg_event_id ?? `${e.sg_message_id ?? '?'}:${e.event}:${e.timestamp ?? '?'}`}`;
    if (await dedupe.seen(key)) {
      count(e.event, 'duplicate');
      return false;
    }
    const workflowId = e.workflowId ?? (e.accountId !== undefined ? workflowIdFor(e.accountId) : undefined);
    const at = new Date(e.timestamp !== undefined ? e.timestamp * 1000 : deps.now());
    if (effect.kind === 'delivery' && providerId)
      await deps.store.recordDeliveryStatus(providerId, {
        status: effect.status,
        at,
        ...(e.type !== undefined && { errorCode: e.type }),
      });
    let verdict = 'applied';
    if (effect.kind === 'optOut' && e.accountId !== undefined) {
      // An unsubscribe or a spam report is the debtor's opt-out: received, then delivered by signal-with-start.
      const email = typeof e.email === 'string' ? e.email : undefined;
      const delivery = await receiveAndDeliverOptOut(deps, e.accountId, {
        channel: 'email',
        source: effect.source,
        receivedAt: at.toISOString(),
        ...(email !== undefined && { address: email }),
      });
      if (delivery.outcome !== 'signalled') verdict = 'unknown_workflow';
    } else if (!workflowId) verdict = 'unrouted';
    else {
      try {
        if (effect.kind === 'delivery')
          await signalWorkflow(deps, workflowId, 'deliveryStatus', {
            channel: 'email',
            status: effect.status,
            permanent: effect.permanent,
            ...(providerId !== undefined && { providerMessageId: providerId }),
            ...(e.stepKey !== undefined && { stepId: e.stepKey }),
            ...(e.event !== 'delivered' && { errorCode: e.type ?? e.event }),
          });
        else
          await signalWorkflow(deps, workflowId, 'optOut', {
            channel: 'email',
            source: effect.source,
            receivedAt: at.toISOString(),
          });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        verdict = 'unknown_workflow';
      }
    }
    await dedupe.mark(key, {
      provider: 'sendgrid',
      type: e.event,
      ...(e.accountId !== undefined && { accountId: e.accountId }),
    });
    count(e.event, verdict);
    return verdict === 'applied';
  }

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/webhooks/sendgrid/events',
      operationId: 'sendgridEvents',
      summary: 'SendGrid Event Webhook (signed): delivery, bounce, dropped, deferred, unsubscribe, spamreport',
      description:
        'Raw JSON array, verified over the exact bytes. Events are routed by their custom args workflowId, stepKey ' +
        'and accountId, and deduplicated by sg_event_id.',
      tags: ['webhooks'],
      auth: 'sendgrid-signature',
      pre: [
        requireContentType(['application/json']),
        express.raw({ type: 'application/json', limit: '5mb' }),
        verifySendgrid(deps),
      ],
      body: SendgridEvents,
      rawBody: true,
      responses: { 200: { description: 'counts of applied and ignored events', schema: WebhookAck } },
    },
    async (_input, req, res) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse((req.body as Buffer).toString('utf8'));
      } catch {
        throw new ProblemError(400, 'malformed-json', 'the body is not valid JSON', [
          { field: '(root)', message: 'malformed JSON' },
        ]);
      }
      const events = SendgridEvents.safeParse(parsed);
      if (!events.success) throw problems.validation(inputProblems(events.error));
      let applied = 0;
      for (const e of events.data) if (await handle(e)) applied++;
      res.json({ received: events.data.length, applied, ignored: events.data.length - applied });
    }
  );
}
