import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { verifyUnsubscribeToken } from '../../activities/messaging/unsubscribe-token';
import { UNSUBSCRIBE_PATH } from '../../activities/messaging/webhook-paths';
import { workflowIdFor } from '../../workflows/workflow-input';
import type { WebhookDeduper } from '../dedupe';
import type { RouteDeps } from '../deps';
import { receiveAndDeliverOptOut } from '../opt-out-delivery';
import { ProblemError } from '../problem';
import { addRoute, type RouteContext } from '../route';

/** What every email's unsubscribe link carries (activities/messaging/create-messaging-activities.ts). */
export const UnsubscribeQuery = z.object({
  wf: z.string().min(1).max(200).describe('the dunning workflow the email belongs to'),
  step: z.string().min(1).max(200).describe('the ladder step whose email carried the link'),
  channel: z.literal('email').describe('the channel to stop; links exist for email only'),
  token: z.string().optional().describe('HMAC-SHA256 of wf, step and channel under UNSUBSCRIBE_SECRET (base64url)'),
});
type UnsubscribeQuery = z.infer<typeof UnsubscribeQuery>;

export const OneClickBody = z.object({
  'List-Unsubscribe': z.literal('One-Click').optional(),
  via: z.literal('page').optional().describe("set by the confirmation page's button; absent from mail clients"),
});

const WORKFLOW_PREFIX = workflowIdFor('');

/** No PII, no workflow id: the debtor's browser, a proxy's log or a shoulder only learn that it worked. */
const DONE_LINES = {
  es: 'Listo: no recibirás más correos de cobranza.',
  pt: 'Pronto: você não receberá mais e-mails de cobrança.',
  en: 'Done: you will no longer receive collection emails.',
};

const DONE_PAGE = `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Baja confirmada · Descadastro confirmado · Unsubscribed</title>
</head>
<body>
<main>
<p lang="es">${DONE_LINES.es}</p>
<p lang="pt-BR">${DONE_LINES.pt}</p>
<p lang="en">${DONE_LINES.en}</p>
</main>
</body>
</html>
`;

const DONE_TEXT = `${DONE_LINES.es}\n${DONE_LINES.pt}\n${DONE_LINES.en}\n`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * What the link opens: one button that posts back to the same signed URL. Mail security scanners (Safe Links and
 * the like) fetch every link in an email; acting on GET would opt debtors out who never clicked anything.
 */
function confirmPage(actionUrl: string): string {
  return `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Dejar de recibir correos · Parar de receber e-mails · Unsubscribe</title>
</head>
<body>
<main>
<form method="post" action="${escapeHtml(actionUrl)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<input type="hidden" name="via" value="page">
<p lang="es">¿Dejar de recibir correos de cobranza?</p>
<p lang="pt-BR">Parar de receber e-mails de cobrança?</p>
<p lang="en">Stop receiving collection emails?</p>
<button type="submit">Confirmar · Confirmar · Confirm</button>
</form>
</main>
</body>
</html>
`;
}

/**
 * The opt-out every collection email links to (12 CFR 1006.6(e): a reasonable and simple way to opt out). No API
 * key: the link's HMAC token is the credential. GET (the link in the body) checks the token and answers a page with
 * one confirmation button; POST (that button, or RFC 8058 one-click from the List-Unsubscribe header) stops email
 * for the workflow (optOut signal, source `link`) and records the opt-out;
 * repeating a link changes nothing, and a finished or unknown workflow still answers 200 (nothing left to stop).
 */
export function registerUnsubscribeRoutes(ctx: RouteContext, deps: RouteDeps, dedupe: WebhookDeduper): void {
  type Via = 'link' | 'page' | 'one_click';
  const count = (type: Via, verdict: string) =>
    deps.metrics.webhookEvents.inc({ provider: 'unsubscribe', type, verdict });

  const requireSecret =
    (type: Via): RequestHandler =>
    (_req, _res, next) => {
      if (deps.config.unsubscribeSecret) return next();
      count(type, 'not_configured');
      deps.logger.error('unsubscribe link followed but UNSUBSCRIBE_SECRET is not set: the opt-out was NOT applied');
      next(
        new ProblemError(503, 'service-unavailable', 'unsubscribe links are not configured', [
          { field: 'UNSUBSCRIBE_SECRET', message: 'not set on the API' },
        ])
      );
    };

  function requireValidToken(q: UnsubscribeQuery, type: Via): void {
    if (verifyUnsubscribeToken(deps.config.unsubscribeSecret ?? '', q, q.token)) return;
    count(type, 'bad_token');
    throw new ProblemError(403, 'forbidden', 'the unsubscribe link is incomplete or was altered', [
      { field: 'token', message: q.token === undefined ? 'missing' : 'does not match wf, step and channel' },
    ]);
  }

  async function optOut(q: UnsubscribeQuery, type: Via): Promise<void> {
    requireValidToken(q, type);
    // One opt-out per workflow and channel: whichever email's link comes first, later ones find nothing to change.
    const key = `unsubscribe:${q.wf}:${q.channel}`;
    if (await dedupe.seen(key)) {
      count(type, 'duplicate');
      return;
    }
    const accountId = q.wf.startsWith(WORKFLOW_PREFIX) ? q.wf.slice(WORKFLOW_PREFIX.length) : undefined;
    const known =
      accountId !== undefined && accountId !== '' && (await deps.store.getPlacedAccount(accountId)) !== undefined;
    const receivedAt = new Date(deps.now()).toISOString();
    // Received before it is signalled: whatever Temporal answers, the debtor's request is on file. Closed or never
    // placed: no email will follow from it, so the debtor's request is already satisfied.
    const delivery = known
      ? await receiveAndDeliverOptOut(deps, accountId, { channel: 'email', source: 'link', receivedAt })
      : undefined;
    const verdict = delivery?.outcome === 'signalled' ? 'applied' : 'unknown_workflow';
    await dedupe.mark(key, { provider: 'unsubscribe', type: `${type}_opt_out`, ...(known && { accountId }) });
    count(type, verdict);
  }

  const responses = {
    403: { description: 'the token is missing or does not match wf, step and channel; `errors` names `token`' },
    503: { description: 'UNSUBSCRIBE_SECRET is not configured on the API, or Temporal or the database is down' },
  };

  addRoute(
    ctx,
    {
      method: 'get',
      path: UNSUBSCRIBE_PATH,
      operationId: 'unsubscribeLink',
      summary: 'Email unsubscribe link: checks the token and answers a page with one confirmation button',
      description:
        'The link in every collection email (12 CFR 1006.6(e)). Authenticated by its HMAC `token`. It changes ' +
        'nothing by itself, so mail scanners that fetch links do not opt anyone out: the page posts back to the ' +
        'same URL (POST /unsubscribe). HEAD likewise only checks the link.',
      tags: ['unsubscribe'],
      auth: 'public',
      pre: [requireSecret('link')],
      query: UnsubscribeQuery,
      responses: {
        200: { description: 'confirmation page (es, pt, en) with one button', contentType: 'text/html' },
        ...responses,
      },
    },
    ({ query }, req, res) => {
      if (req.method === 'HEAD') {
        if (!verifyUnsubscribeToken(deps.config.unsubscribeSecret ?? '', query, query.token)) res.status(403);
        res.set('Cache-Control', 'no-store').type('html').end();
        return Promise.resolve();
      }
      requireValidToken(query, 'link');
      count('link', 'confirmation_shown');
      res.set('Cache-Control', 'no-store').type('html').send(confirmPage(req.originalUrl));
      return Promise.resolve();
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: UNSUBSCRIBE_PATH,
      operationId: 'unsubscribeOneClick',
      summary: 'Unsubscribe: stops collection emails for the workflow (RFC 8058 one-click, or the confirmation page)',
      description:
        'Mail clients POST `List-Unsubscribe=One-Click` to the List-Unsubscribe URL; the confirmation page of ' +
        'GET /unsubscribe posts the same with `via=page`. The query string carries wf, step, channel and token. ' +
        'Answers HTML to a browser, text/plain otherwise.',
      tags: ['unsubscribe'],
      auth: 'public',
      pre: [requireSecret('one_click'), express.urlencoded({ extended: false, limit: '2kb' })],
      query: UnsubscribeQuery,
      body: OneClickBody,
      bodyTypes: ['application/x-www-form-urlencoded', 'multipart/form-data'],
      bodyOptional: true,
      // The body is a fixed marker (form-encoded or multipart); the query string is what is verified.
      rawBody: true,
      responses: {
        200: { description: 'opted out (text/html to a browser)', contentType: 'text/plain' },
        ...responses,
      },
    },
    async ({ query, body }, req, res) => {
      await optOut(query, body?.via === 'page' ? 'page' : 'one_click');
      res.set('Cache-Control', 'no-store');
      if (req.accepts(['text/plain', 'text/html']) === 'text/html') res.type('html').send(DONE_PAGE);
      else res.type('text/plain').send(DONE_TEXT);
    }
  );
}
