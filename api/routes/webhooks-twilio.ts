import { WorkflowNotFoundError } from '@temporalio/client';
import express, { type RequestHandler } from 'express';
import twilio from 'twilio';
import type { WebhookDeduper } from '../dedupe';
import type { RouteDeps } from '../deps';
import { receiveAndDeliverOptOut } from '../opt-out-delivery';
import { optOutKeyword } from '../opt-out-keywords';
import { ProblemError, problems } from '../problem';
import { addRoute, requireContentType, type RouteContext } from '../route';
import { TwilioInboundForm, TwilioStatusForm, TwilioStatusQuery } from '../schemas';
import { signalWorkflow } from '../signals';

/**
 * Delivery failures that retire the channel: unreachable/unknown/landline/invalid number, unsubscribed, and the
 * WhatsApp ones Twilio often reports only in the status callback (no approved template, not a WhatsApp user).
 */
export const PERMANENT_TWILIO_ERRORS = new Set([
  '30003',
  '30005',
  '30006',
  '21211',
  '21610',
  '21614',
  '30004',
  '63016',
  '63003',
  '63024',
  '63032',
]);

const FORM = 'application/x-www-form-urlencoded';

/** X-Twilio-Signature over PUBLIC_BASE_URL + originalUrl and every form parameter; 403 otherwise. */
function verifyTwilio(deps: RouteDeps): RequestHandler {
  return (req, _res, next) => {
    const token = deps.config.twilioAuthToken;
    if (!token) return next(problems.unavailable('the Twilio webhook is not configured (TWILIO_AUTH_TOKEN)'));
    const signature = req.get('x-twilio-signature');
    const url = deps.config.publicBaseUrl + req.originalUrl;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !twilio.validateRequest(token, signature, url, params)) {
      deps.metrics.webhookEvents.inc({
        provider: 'twilio',
        type: req.path.endsWith('inbound') ? 'inbound' : 'status',
        verdict: 'bad_signature',
      });
      return next(
        new ProblemError(403, 'invalid-signature', 'the X-Twilio-Signature header is missing or does not match', [
          { field: 'X-Twilio-Signature', message: signature ? 'does not match' : 'missing' },
        ])
      );
    }
    next();
  };
}

function deliveryOf(status: string, errorCode: string | undefined) {
  switch (status) {
    case 'sent':
      return { status: 'sent' as const, permanent: false };
    case 'delivered':
    case 'read':
      return { status: 'delivered' as const, permanent: false };
    case 'failed':
    case 'undelivered':
      return {
        status: 'failed' as const,
        permanent: errorCode !== undefined && PERMANENT_TWILIO_ERRORS.has(errorCode),
      };
    default:
      return null; // queued, accepted, sending, scheduled, canceled...: nothing for the workflow
  }
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export function registerTwilioWebhooks(ctx: RouteContext, deps: RouteDeps, dedupe: WebhookDeduper): void {
  const pre = [requireContentType([FORM]), express.urlencoded({ extended: false, limit: '100kb' }), verifyTwilio(deps)];
  const count = (type: string, verdict: string) =>
    deps.metrics.webhookEvents.inc({ provider: 'twilio', type, verdict });

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/webhooks/twilio/status',
      operationId: 'twilioStatusCallback',
      summary: 'Twilio message status callback → deliveryStatus signal',
      description:
        'Form-encoded. `wf`, `step` and `channel` come from the callback URL the send activity set. failed/undelivered ' +
        'with 30003, 30004, 30005, 30006, 21211, 21610 or 21614 is permanent and retires the channel.',
      tags: ['webhooks'],
      auth: 'twilio-signature',
      pre,
      query: TwilioStatusQuery,
      body: TwilioStatusForm,
      bodyTypes: [FORM],
      responses: { 204: { description: 'applied, ignored or duplicate' } },
    },
    async ({ query, body }, _req, res) => {
      const delivery = deliveryOf(body.MessageStatus, body.ErrorCode);
      if (!delivery) {
        count(body.MessageStatus, 'ignored');
        res.sendStatus(204);
        return;
      }
      const key = `twilio:${body.MessageSid}:${body.MessageStatus}`;
      if (await dedupe.seen(key)) {
        count(body.MessageStatus, 'duplicate');
        res.sendStatus(204);
        return;
      }
      const channel = query.channel ?? (body.From?.startsWith('whatsapp:') ? 'whatsapp' : 'sms');
      await deps.store.recordDeliveryStatus(body.MessageSid, {
        status: delivery.status,
        at: new Date(deps.now()),
        ...(body.ErrorCode !== undefined && { errorCode: body.ErrorCode }),
      });
      let verdict = 'applied';
      try {
        await signalWorkflow(deps, query.wf, 'deliveryStatus', {
          channel,
          providerMessageId: body.MessageSid,
          status: delivery.status,
          permanent: delivery.permanent,
          ...(query.step !== undefined && { stepId: query.step }),
          ...(body.ErrorCode !== undefined && { errorCode: body.ErrorCode }),
        });
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        verdict = 'unknown_workflow';
      }
      await dedupe.mark(key, { provider: 'twilio', type: body.MessageStatus });
      count(body.MessageStatus, verdict);
      res.sendStatus(204);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/webhooks/twilio/inbound',
      operationId: 'twilioInboundMessage',
      summary: 'Inbound SMS/WhatsApp: opt-out keywords (STOP, BAJA, NO MÁS, PARAR, SAIR...) → optOut signal',
      description:
        'Keywords are matched case- and accent-insensitively as the whole message or its first word. The sender is ' +
        'found by phone number; the opt-out is recorded (source keyword) and signalled. Answers empty TwiML.',
      tags: ['webhooks'],
      auth: 'twilio-signature',
      pre,
      body: TwilioInboundForm,
      bodyTypes: [FORM],
      responses: { 200: { description: 'empty TwiML', contentType: 'text/xml' } },
    },
    async ({ body }, _req, res) => {
      const reply = () => res.type('text/xml').send(EMPTY_TWIML);
      const keyword = optOutKeyword(body.Body);
      if (!keyword) {
        count('inbound', 'not_keyword');
        return void reply();
      }
      const key = `twilio-inbound:${body.MessageSid}`;
      if (await dedupe.seen(key)) {
        count('inbound', 'duplicate');
        return void reply();
      }
      const whatsapp = body.From.startsWith('whatsapp:');
      const channel = whatsapp ? ('whatsapp' as const) : ('sms' as const);
      const phone = whatsapp ? body.From.slice('whatsapp:'.length) : body.From;
      const accountIds = await deps.store.findAccountIdsByPhone(phone);
      const receivedAt = new Date(deps.now()).toISOString();
      let signalled = 0;
      for (const accountId of accountIds) {
        const delivery = await receiveAndDeliverOptOut(deps, accountId, {
          channel,
          address: phone,
          source: 'keyword',
          keyword,
          receivedAt,
        });
        if (delivery.outcome === 'signalled') signalled++;
      }
      await dedupe.mark(key, { provider: 'twilio', type: 'inbound_opt_out' });
      count('inbound', accountIds.length === 0 ? 'unknown_sender' : signalled > 0 ? 'applied' : 'unknown_workflow');
      deps.logger.info({ accounts: accountIds, keyword, channel }, 'opt-out keyword received');
      reply();
    }
  );
}
