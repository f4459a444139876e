import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { AGENT_CONTACT_OUTCOMES, type Installment } from '../../workflows/engine/account-events';
import { promiseDates } from '../../workflows/engine/commitment-rules';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { defaultLadder } from '../../workflows/engine/ladder';
import { resolveZone } from '../../workflows/engine/state';
import { completeTask } from '../agent-task-work';
import type { ApiKeyAuthenticator } from '../auth';
import { recordAgreement, recordPromise } from '../commitments';
import type { RouteDeps } from '../deps';
import { toProblem } from '../errors';
import { receiveAndDeliverOptOut } from '../opt-out-delivery';
import { queryStatus, signalAccount } from '../signals';
import { negotiateLanguage, formattingLocaleFor } from '../web/locale';
import { accountPage, type FormError } from './account-page';
import { CONSOLE_BASE, type ConsoleView } from './console-view';
import { parseMajorAmount, promiseFromForm } from './money-input';
import { queuePage, type QueueFilters } from './queue-page';
import type { ConsoleSessions } from './session';
import { SESSION_COOKIE, SESSION_TTL_MS, cookieValue, type ConsoleSession } from './session';
import { signInPage } from './sign-in-page';
import { byPriority } from './task-priority';
import { timelineOf } from './timeline';
import { translator } from './translator';
import type { ConsoleMessageKey } from './messages-en';
import { SUPPORTED_JURISDICTIONS } from '../../workflows/engine/jurisdictions';

/** No script at all: forms and links only, so the console works without JavaScript and nothing can be injected. */
const CONSOLE_CSP =
  "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/** What a finished action says on the next page, by the `done` query parameter (only these keys are shown). */
const DONE: Record<string, ConsoleMessageKey> = {
  claim: 'claim.done',
  promise: 'promise.done',
  agreement: 'agreement.done',
  'dispute-opened': 'dispute.opened',
  'dispute-resolved': 'dispute.resolved',
  'opt-out': 'optOut.done',
  note: 'note.done',
  complete: 'complete.done',
};

const form = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 100 });
const text = (max: number) => z.string().trim().max(max);

/**
 * The agent console at /console: server-rendered pages over the same functions the JSON API uses (commitments by
 * Workflow Update, opt-outs through the inbox, task completion, signals), so an action is validated by the same
 * rules whichever way it comes. Agents sign in with their key once; a signed, HttpOnly, SameSite=Strict cookie
 * carries the session, and every form carries a CSRF token bound to it.
 */
export function consoleRouter(deps: RouteDeps, auth: ApiKeyAuthenticator, sessions: ConsoleSessions): Router {
  const router = express.Router();

  router.use((req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  router.get('/assets/console.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.sendFile(path.join(__dirname, '..', 'web', 'assets', 'console.css'));
  });

  const viewFor = (req: Request, session?: ConsoleSession): ConsoleView => {
    const language = negotiateLanguage(req.get('accept-language'));
    return {
      language,
      t: translator(language),
      ...(session && { session, csrf: sessions.csrfToken(session) }),
    };
  };
  // A session lasts while its key does: removing a key from API_KEYS signs its agent out at the next request.
  const sessionOf = (req: Request): ConsoleSession | null => {
    const session = sessions.verify(cookieValue(req.get('cookie'), SESSION_COOKIE), deps.now());
    const holder = session && auth.byFingerprint(session.key);
    return holder && holder.label === session.agent ? session : null;
  };
  const send = (res: Response, status: number, page: string) => res.status(status).type('html').send(page);

  router.get('/', (req, res) =>
    res.redirect(303, sessionOf(req) ? `${CONSOLE_BASE}/queue` : `${CONSOLE_BASE}/sign-in`)
  );

  router.get('/sign-in', (req, res) => send(res, 200, signInPage(viewFor(req))));

  router.post('/sign-in', form, (req, res) => {
    const view = viewFor(req);
    const submitted = (req.body as Record<string, unknown> | undefined)?.key;
    const key = typeof submitted === 'string' ? submitted.trim() : '';
    const principal = key ? auth.authenticate(`Bearer ${key}`) : null;
    if (!principal || (principal.role !== 'agent' && principal.role !== 'admin'))
      return void send(res, 401, signInPage(view, view.t('signIn.invalid')));
    const fingerprint = auth.fingerprintOf(`Bearer ${key}`)!;
    const { cookie } = sessions.issue(principal.label, principal.role, fingerprint, deps.now());
    res.setHeader('Set-Cookie', sessionCookie(cookie, req.secure, SESSION_TTL_MS / 1000));
    res.redirect(303, `${CONSOLE_BASE}/queue`);
  });

  // Everything below needs a session; a form post also needs its CSRF token.
  const signedIn = (
    handler: (req: Request, res: Response, session: ConsoleSession, view: ConsoleView) => Promise<void>
  ) => {
    return (req: Request, res: Response) => {
      const session = sessionOf(req);
      if (!session) {
        if (req.method === 'GET') return void res.redirect(303, `${CONSOLE_BASE}/sign-in`);
        return void send(res, 401, signInPage(viewFor(req), viewFor(req).t('signIn.expired')));
      }
      const view = viewFor(req, session);
      if (
        req.method === 'POST' &&
        !sessions.checkCsrf(session, (req.body as Record<string, unknown> | undefined)?.csrf)
      )
        return void send(res, 403, signInPage(viewFor(req), view.t('signIn.expired')));
      handler(req, res, session, view).catch((err: unknown) => {
        const problem = toProblem(err);
        if (problem.status >= 500 && problem.status !== 503) deps.logger.error({ err }, 'console request failed');
        const message =
          problem.status === 503
            ? view.t('error.temporal')
            : problem.status === 409
              ? problem.message
              : view.t('error.title');
        send(res, problem.status, queuePageFor(view, { tasks: [], filters: {}, error: message }));
      });
    };
  };

  const queuePageFor = (
    view: ConsoleView,
    input: { tasks: Parameters<typeof queuePage>[1]['tasks']; filters: QueueFilters; done?: string; error?: string }
  ) =>
    queuePage(view, {
      ...input,
      jurisdictions: SUPPORTED_JURISDICTIONS,
      steps: [...new Set(input.tasks.map((t) => t.taskKey))].sort(),
      now: deps.now(),
      locale: formattingLocaleFor(view.language, undefined),
    });

  router.post('/sign-out', form, (req, res) => {
    res.setHeader('Set-Cookie', sessionCookie('', req.secure, 0));
    res.redirect(303, `${CONSOLE_BASE}/sign-in`);
  });

  const QueueQuery = z.object({
    jurisdiction: z
      .enum(SUPPORTED_JURISDICTIONS as [string, ...string[]])
      .optional()
      .catch(undefined),
    status: z.enum(['open', 'claimed', 'done']).optional().catch(undefined),
    step: text(100).optional().catch(undefined),
    done: z.string().optional().catch(undefined),
  });

  router.get(
    '/queue',
    signedIn(async (req, res, _session, view) => {
      const q = QueueQuery.parse(req.query);
      const filters: QueueFilters = {
        ...(q.jurisdiction && { jurisdiction: q.jurisdiction }),
        status: q.status ?? 'open',
        ...(q.step && { step: q.step }),
      };
      const page = await deps.store.listAgentTasks({
        limit: 200,
        ...(filters.status && { status: filters.status }),
        ...(filters.jurisdiction && { jurisdiction: filters.jurisdiction }),
      });
      const tasks = byPriority(
        page.items.filter((t) => !filters.step || t.taskKey === filters.step),
        deps.now()
      );
      const doneKey = q.done !== undefined ? DONE[q.done] : undefined;
      send(
        res,
        200,
        queuePageFor(view, {
          tasks,
          filters,
          ...(doneKey && { done: view.t('actions.done', { what: view.t(doneKey) }) }),
        })
      );
    })
  );

  router.post(
    '/tasks/:id/claim',
    form,
    signedIn(async (req, res, session) => {
      const task = await deps.store.claimAgentTask(String(req.params.id), session.agent);
      res.redirect(303, `${accountPath(task.accountId)}?done=claim`);
    })
  );

  const CompleteForm = z.object({ outcome: z.enum(AGENT_CONTACT_OUTCOMES), note: text(1000).optional() });
  router.post(
    '/tasks/:id/complete',
    form,
    signedIn(async (req, res, session) => {
      const body = CompleteForm.parse(req.body);
      const { task } = await completeTask(deps, String(req.params.id), {
        outcome: body.outcome,
        by: session.agent,
        ...(body.note && { note: body.note }),
      });
      res.redirect(303, `${accountPath(task.accountId)}?done=complete`);
    })
  );

  /** Renders the account page; `extra` carries a reveal, a notice or a form error with what was typed. */
  const renderAccount = async (
    req: Request,
    res: Response,
    view: ConsoleView,
    extra: { status?: number; revealed?: boolean; formError?: FormError; values?: Record<string, string> } = {}
  ) => {
    const id = String(req.params.id);
    const placed = await deps.store.getPlacedAccount(id);
    if (!placed) {
      const message = view.t('error.notFound', { id });
      return void send(res, 404, queuePageFor(view, { tasks: [], filters: {}, error: message }));
    }
    const { account } = placed;
    const ladder = placed.ladder ?? defaultLadder;
    const policy = contactPolicyFor(account.debtor.jurisdiction);
    const zone = resolveZone(account.debtor.timezone, policy!).zone ?? policy!.zones[0]!;
    const [status, payments, audit, tasks] = await Promise.all([
      queryStatus(deps, id).catch(() => null),
      deps.store.listPayments(id),
      deps.store.listAuditEvents(id),
      deps.store.listAgentTasks({ accountId: id, limit: 50 }),
    ]);
    const doneKey = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
    send(
      res,
      extra.status ?? 200,
      accountPage(view, {
        account,
        ladder,
        zone,
        status,
        payments,
        timeline: timelineOf(audit),
        tasks: tasks.items,
        revealed: extra.revealed ?? false,
        promiseDates: promiseDates({ zone, promiseMaxHorizonDays: ladder.promise.maxHorizonDays }, deps.now()),
        locale: formattingLocaleFor(view.language, account.debtor.locale),
        now: deps.now(),
        ...(doneKey && { done: view.t('actions.done', { what: view.t(doneKey) }) }),
        ...(extra.formError && { formError: extra.formError }),
        ...(extra.values && { values: extra.values }),
      })
    );
  };

  router.get(
    '/accounts/:id',
    signedIn((req, res, _s, view) => renderAccount(req, res, view))
  );

  router.post(
    '/accounts/:id/reveal',
    form,
    signedIn(async (req, res, session, view) => {
      // Who saw the debtor's contact details, and when: the reveal itself is the audited act.
      await deps.store.appendAuditEvent({
        accountId: String(req.params.id),
        actor: session.agent,
        action: 'contact_details_revealed',
        reason: 'shown to the agent in the console',
        at: new Date(deps.now()),
      });
      await renderAccount(req, res, view, { revealed: true });
    })
  );

  /** An action's outcome: back to the account with a notice, or the page again with the field the rules named. */
  const act = (
    formName: FormError['form'],
    run: (req: Request, session: ConsoleSession) => Promise<string | FormError>
  ) =>
    signedIn(async (req, res, session, view) => {
      let outcome: string | FormError;
      try {
        outcome = await run(req, session);
      } catch (err) {
        if (err instanceof z.ZodError) {
          const issue = err.issues[0];
          outcome = {
            form: formName,
            field: issue?.path.join('.') || '(root)',
            message: issue?.message ?? 'not valid',
          };
          return renderAccount(req, res, view, { status: 422, formError: outcome });
        }
        const problem = toProblem(err);
        if (problem.status !== 422 && problem.status !== 400) throw err;
        const first = problem.errors[0];
        outcome = { form: formName, field: first?.field ?? '(root)', message: first?.message ?? problem.message };
      }
      if (typeof outcome !== 'string') {
        const values = Object.fromEntries(
          Object.entries((req.body ?? {}) as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'csrf'
          )
        );
        return renderAccount(req, res, view, { status: 422, formError: outcome, values });
      }
      res.redirect(303, `${accountPath(String(req.params.id))}?done=${outcome}`);
    });

  router.post(
    '/accounts/:id/promise',
    form,
    act('promise', async (req, session) => {
      const id = String(req.params.id);
      const placed = await deps.store.getPlacedAccount(id);
      if (!placed) return { form: 'promise', field: '(root)', message: `account ${id} is not known` };
      const typed = promiseFromForm(req.body as Record<string, string | undefined>, placed.account.balance.currency);
      if ('field' in typed) return { form: 'promise', ...typed };
      await recordPromise(deps, id, { ...typed, agentId: session.agent });
      return 'promise';
    })
  );

  router.post(
    '/accounts/:id/agreement',
    form,
    act('agreement', async (req, session) => {
      const id = String(req.params.id);
      const placed = await deps.store.getPlacedAccount(id);
      if (!placed) return { form: 'agreement', field: '(root)', message: `account ${id} is not known` };
      const body = req.body as Record<string, string | undefined>;
      const installments: Installment[] = [];
      for (let i = 0; i < 12; i++) {
        const date = (body[`date${i}`] ?? '').trim();
        const amount = (body[`amount${i}`] ?? '').trim();
        if (!date && !amount) continue;
        const n = installments.length;
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
          return { form: 'agreement', field: `installments[${n}].dueDate`, message: 'choose a due date' };
        const amountMinor = parseMajorAmount(amount, placed.account.balance.currency);
        if (amountMinor === null || amountMinor <= 0)
          return {
            form: 'agreement',
            field: `installments[${n}].amountMinor`,
            message: `"${amount}" is not an amount`,
          };
        installments.push({ dueDate: date, amountMinor });
      }
      if (installments.length === 0)
        return { form: 'agreement', field: 'installments', message: 'an agreement needs at least one installment' };
      for (let i = 1; i < installments.length; i++)
        if (installments[i]!.dueDate <= installments[i - 1]!.dueDate)
          return {
            form: 'agreement',
            field: `installments[${i}].dueDate`,
            message: 'each due date must come after the one before',
          };
      await recordAgreement(deps, id, { installments, agentId: session.agent });
      return 'agreement';
    })
  );

  router.post(
    '/accounts/:id/dispute',
    form,
    act('dispute', async (req, session) => {
      const id = String(req.params.id);
      const reason = text(500).parse((req.body as Record<string, unknown>).reason ?? '');
      await deps.store.appendAuditEvent({
        accountId: id,
        actor: session.agent,
        action: 'dispute_opened',
        reason: reason || 'opened by the agent',
        at: new Date(deps.now()),
      });
      await signalAccount(deps, id, 'disputeOpened', reason ? { reason } : {});
      return 'dispute-opened';
    })
  );

  router.post(
    '/accounts/:id/dispute-resolution',
    form,
    act('dispute', async (req, session) => {
      const id = String(req.params.id);
      const outcome = z.enum(['rejected', 'upheld']).parse((req.body as Record<string, unknown>).outcome);
      await deps.store.appendAuditEvent({
        accountId: id,
        actor: session.agent,
        action: 'dispute_resolved',
        reason: outcome,
        at: new Date(deps.now()),
      });
      await signalAccount(deps, id, 'disputeResolved', { outcome });
      return 'dispute-resolved';
    })
  );

  const OptOutForm = z.object({
    channel: z.enum(['sms', 'whatsapp', 'email', 'call', 'all']),
    source: z.enum(['phone', 'letter', 'agent']),
  });
  router.post(
    '/accounts/:id/opt-out',
    form,
    act('optOut', async (req, session) => {
      const id = String(req.params.id);
      const body = OptOutForm.parse(req.body);
      const receivedAt = new Date(deps.now());
      // 12 CFR 1006.6(c): a cease request taken by phone or letter is honoured at once, on every channel for `all`.
      await deps.store.appendAuditEvent({
        accountId: id,
        actor: session.agent,
        action: body.channel === 'all' ? 'cease_request_received' : 'opt_out_received',
        reason: `${body.channel} by ${body.source}`,
        data: { channel: body.channel, source: body.source },
        at: receivedAt,
      });
      await receiveAndDeliverOptOut(deps, id, {
        channel: body.channel,
        source: body.source,
        actor: session.agent,
        receivedAt: receivedAt.toISOString(),
      });
      return 'opt-out';
    })
  );

  router.post(
    '/accounts/:id/note',
    form,
    act('note', async (req, session) => {
      const note = text(2000).parse((req.body as Record<string, unknown>).text ?? '');
      if (!note) return { form: 'note', field: 'text', message: 'write the note first' };
      await deps.store.appendAuditEvent({
        accountId: String(req.params.id),
        actor: session.agent,
        action: 'agent_note',
        reason: 'note',
        data: { note },
        at: new Date(deps.now()),
      });
      return 'note';
    })
  );

  return router;
}

function accountPath(accountId: string): string {
  return `${CONSOLE_BASE}/accounts/${encodeURIComponent(accountId)}`;
}

function sessionCookie(value: string, secure: boolean, maxAgeSeconds: number): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    `Path=${CONSOLE_BASE}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.floor(maxAgeSeconds)}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
