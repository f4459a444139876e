import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { verifySelfServiceLink } from '../../activities/messaging/self-service-link';
import { SELF_SERVICE_ACTOR } from '../../workflows/engine/account-events';
import { promiseDates } from '../../workflows/engine/commitment-rules';
import { installmentOffers } from '../../workflows/engine/installment-offers';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { defaultLadder } from '../../workflows/engine/ladder';
import { resolveZone } from '../../workflows/engine/state';
import { localParts } from '../../workflows/engine/zoned-time';
import { recordAgreement, recordPromise } from '../commitments';
import { promiseFromForm } from '../console/money-input';
import type { RouteDeps } from '../deps';
import { toProblem } from '../errors';
import { receiveAndDeliverOptOut } from '../opt-out-delivery';
import { queryStatus, signalAccount } from '../signals';
import { negotiateLanguage, UI_LANGUAGES, type UiLanguage } from '../web/locale';
import { translatorFor } from '../web/translator';
import { selfServiceEn, type SelfServiceMessageKey } from './messages-en';
import { selfServiceEs } from './messages-es';
import { selfServicePt } from './messages-pt';
import { linkProblemPage, selfServicePage, type SelfServiceFormError, type SelfServiceView } from './self-service-page';

const translate = translatorFor<SelfServiceMessageKey>({ en: selfServiceEn, es: selfServiceEs, pt: selfServicePt });

/**
 * No scripts; no Referer, so the signed path never reaches the payment provider the Pay button opens; never cached
 * or indexed, since the page shows a balance.
 */
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex, nofollow',
  'X-Content-Type-Options': 'nosniff',
};

const CHANNEL_NAMES: Record<string, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'email' };

const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });
const LINK = '/:accountId/:expires/:signature';

/**
 * The page behind every message's link (`/p/<account>/<expires>/<signature>`, see self-service-link.ts): the debtor
 * sees what they owe and acts on it. Promises and plans go to the workflow as the same Updates an agent's do, so the
 * engine's rules answer; disputes and opt-outs take the same path as the API's. Every action is audited as the
 * debtor's.
 */
export function selfServiceRouter(deps: RouteDeps): Router {
  const router = express.Router();
  router.use('/assets', express.static(path.join(__dirname, '..', 'web', 'assets'), { maxAge: '1h', index: false }));
  router.use((_req, res, next) => {
    res.set(HEADERS);
    next();
  });

  const send = (res: Response, status: number, body: string) => void res.status(status).type('html').send(body);

  const viewFor = (language: UiLanguage, locale: string): SelfServiceView => ({
    language,
    locale,
    t: translate(language),
  });

  /** The debtor's language from their account's locale (es-CO → es); the browser's for a link that opens nothing. */
  const debtorView = (locale: string, req: Request): SelfServiceView => {
    const primary = locale.slice(0, 2) as UiLanguage;
    return (UI_LANGUAGES as readonly string[]).includes(primary)
      ? viewFor(primary, locale)
      : viewFor(negotiateLanguage(req.get('accept-language')), locale);
  };
  const browserView = (req: Request): SelfServiceView => {
    const language = negotiateLanguage(req.get('accept-language'));
    return viewFor(language, { es: 'es-MX', pt: 'pt-BR', en: 'en-US' }[language]);
  };

  /** The account a request's link opens, or the page that says why it does not (and nothing else happens). */
  const opened = async (req: Request, res: Response) => {
    const secret = deps.config.unsubscribeSecret;
    const view = browserView(req);
    const params = req.params as Record<string, string>;
    const verdict = secret
      ? verifySelfServiceLink(
          secret,
          { accountId: params.accountId!, expires: params.expires!, signature: params.signature! },
          deps.now()
        )
      : 'forged';
    if (verdict === 'forged') {
      send(res, 404, linkProblemPage(view, view.t('link.forged.title'), view.t('link.forged.body')));
      return null;
    }
    if (verdict === 'expired') {
      send(res, 410, linkProblemPage(view, view.t('link.expired.title'), view.t('link.expired.body')));
      return null;
    }
    const placed = await deps.store.getPlacedAccount(verdict.accountId);
    if (!placed) {
      const body = view.t('link.unknown.body', { creditor: deps.config.creditor?.name ?? '—' });
      send(res, 404, linkProblemPage(view, view.t('link.unknown.title'), body));
      return null;
    }
    const { account } = placed;
    const ladder = placed.ladder ?? defaultLadder;
    const policy = contactPolicyFor(account.debtor.jurisdiction)!;
    const zone = resolveZone(account.debtor.timezone, policy).zone ?? policy.zones[0]!;
    const linkPath = `${req.baseUrl}/${encodeURIComponent(account.id)}/${params.expires}/${params.signature}`;
    return { account, ladder, zone, linkPath, view: debtorView(account.debtor.locale, req) };
  };
  type Opened = NonNullable<Awaited<ReturnType<typeof opened>>>;

  const render = async (
    res: Response,
    o: Opened,
    extra: { status?: number; done?: string; formError?: SelfServiceFormError } = {}
  ) => {
    const [status, payments] = await Promise.all([
      queryStatus(deps, o.account.id).catch(() => null),
      deps.store.listPayments(o.account.id),
    ]);
    const balance = status?.balance.amountMinor ?? o.account.balance.amountMinor;
    const today = localParts(o.zone, deps.now()).date;
    send(
      res,
      extra.status ?? 200,
      selfServicePage(o.view, {
        linkPath: o.linkPath,
        account: o.account,
        creditor: o.account.creditor ?? deps.config.creditor,
        status,
        payments,
        promiseDates: promiseDates(
          { zone: o.zone, promiseMaxHorizonDays: o.ladder.promise.maxHorizonDays },
          deps.now()
        ),
        offers: installmentOffers(o.ladder, balance, today),
        ...(extra.done && { done: extra.done }),
        ...(status === null && { error: o.view.t('error.temporal') }),
        ...(extra.formError && { formError: extra.formError }),
      })
    );
  };

  router.get(LINK, (req, res, next) => {
    void (async () => {
      const o = await opened(req, res);
      if (!o) return;
      await render(res, o, { ...(typeof req.query.done === 'string' && { done: doneText(o, req.query.done) }) });
    })().catch(next);
  });

  /** An action: back to the page with what was done, or the page again with the field the rules named. */
  const act =
    (name: SelfServiceFormError['form'], run: (req: Request, o: Opened) => Promise<string | SelfServiceFormError>) =>
    (req: Request, res: Response) => {
      void (async () => {
        const o = await opened(req, res);
        if (!o) return;
        let outcome: string | SelfServiceFormError;
        try {
          outcome = await run(req, o);
        } catch (err) {
          if (err instanceof z.ZodError) {
            const issue = err.issues[0];
            outcome = { form: name, field: issue?.path.join('.') || '(root)', message: issue?.message ?? 'not valid' };
          } else {
            const problem = toProblem(err);
            if (problem.status !== 422 && problem.status !== 400 && problem.status !== 409) throw err;
            const first = problem.errors[0];
            outcome = { form: name, field: first?.field ?? '(root)', message: first?.message ?? problem.message };
          }
        }
        if (typeof outcome !== 'string') return render(res, o, { status: 422, formError: outcome });
        res.redirect(303, `${o.linkPath}?done=${outcome}`);
      })().catch((err: unknown) => {
        const problem = toProblem(err);
        if (problem.status >= 500 && problem.status !== 503) deps.logger.error({ err }, 'self-service request failed');
        const view = browserView(req);
        send(
          res,
          problem.status === 503 ? 503 : 500,
          linkProblemPage(
            view,
            view.t('error.title'),
            view.t(problem.status === 503 ? 'error.temporal' : 'error.title')
          )
        );
      });
    };

  const audit = (o: Opened, action: string, reason: string, data?: Record<string, unknown>) =>
    deps.store.appendAuditEvent({
      accountId: o.account.id,
      actor: SELF_SERVICE_ACTOR,
      action,
      reason,
      ...(data && { data }),
      at: new Date(deps.now()),
    });

  router.post(
    `${LINK}/promise`,
    form,
    act('promise', async (req, o) => {
      const typed = promiseFromForm(req.body as Record<string, string | undefined>, o.account.balance.currency);
      if ('field' in typed) return { form: 'promise', ...typed };
      const { promise } = await recordPromise(deps, o.account.id, { ...typed, agentId: SELF_SERVICE_ACTOR });
      await audit(o, 'promise_made_by_debtor', `promise to pay on ${promise.date}`, {
        promiseId: promise.promiseId,
        amountMinor: promise.amountMinor,
        date: promise.date,
      });
      return 'promise';
    })
  );

  router.post(
    `${LINK}/plan`,
    form,
    act('plan', async (req, o) => {
      const count = z.coerce
        .number()
        .int()
        .parse((req.body as Record<string, unknown>).count);
      const status = await queryStatus(deps, o.account.id);
      const today = localParts(o.zone, deps.now()).date;
      const offer = installmentOffers(o.ladder, status.balance.amountMinor, today).find((x) => x.count === count);
      if (!offer) return { form: 'plan', field: 'count', message: `a plan of ${count} payments is not offered` };
      const { agreement } = await recordAgreement(deps, o.account.id, {
        installments: offer.installments,
        agentId: SELF_SERVICE_ACTOR,
      });
      await audit(o, 'plan_chosen_by_debtor', `plan of ${count} payments`, {
        agreementId: agreement.agreementId,
        count,
      });
      return 'plan';
    })
  );

  router.post(
    `${LINK}/dispute`,
    form,
    act('dispute', async (req, o) => {
      const reason = z
        .string()
        .trim()
        .max(500)
        .parse((req.body as Record<string, unknown>).reason ?? '');
      await audit(o, 'dispute_opened', reason || 'the debtor does not recognise the debt', { source: 'self-service' });
      await signalAccount(deps, o.account.id, 'disputeOpened', {
        reason: reason || 'debtor does not recognise the debt',
      });
      return 'dispute';
    })
  );

  router.post(
    `${LINK}/opt-out`,
    form,
    act('prefs', async (req, o) => {
      const channel = z.enum(['sms', 'whatsapp', 'email', 'all']).parse((req.body as Record<string, unknown>).channel);
      const receivedAt = new Date(deps.now());
      await audit(
        o,
        channel === 'all' ? 'cease_request_received' : 'opt_out_received',
        `${channel} on the debtor's page`,
        {
          channel,
          source: 'link',
        }
      );
      await receiveAndDeliverOptOut(deps, o.account.id, {
        channel,
        source: 'link',
        receivedAt: receivedAt.toISOString(),
      });
      return channel === 'all' ? 'opt-out-all' : `opt-out-${channel}`;
    })
  );

  /** What a finished action says on the page it returns to (only these; anything else says nothing). */
  function doneText(o: Opened, done: string): string | undefined {
    const { t } = o.view;
    if (done === 'promise') return t('promise.done');
    if (done === 'plan') return t('plan.done');
    if (done === 'dispute') return t('dispute.done');
    if (done === 'opt-out-all') return t('prefs.doneAll');
    const channel = /^opt-out-(sms|whatsapp|email)$/.exec(done)?.[1];
    return channel ? t('prefs.done', { channel: CHANNEL_NAMES[channel]! }) : undefined;
  }

  return router;
}
