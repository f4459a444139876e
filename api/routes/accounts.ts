import { WorkflowNotFoundError } from '@temporalio/client';
import type { z } from 'zod';
import { inputProblems } from '../../workflows/engine/input-problems';
import { workflowIdFor } from '../../workflows/workflow-input';
import type { RouteDeps } from '../deps';
import { accountClosed, closedStatusOf } from '../closed-account';
import { recordAgreement, recordPromise } from '../commitments';
import { toProblem } from '../errors';
import { deliverPayment } from '../payment-delivery';
import { deliveryOf } from '../signal-delivery';
import { placeAccount } from '../placement';
import { problemDocument, ProblemError, problems } from '../problem';
import { addRoute, type RouteContext } from '../route';
import {
  AccountIdParams,
  AccountStatusResponse,
  AgreementRequest,
  AgreementResponse,
  BatchRequest,
  BatchResponse,
  CancelRequest,
  DisputeRequest,
  DisputeResolveRequest,
  PaymentRequest,
  PaymentResponse,
  PlaceAccountRequest,
  PlacementResponse,
  PromiseRequest,
  PromiseResponse,
  SignalAccepted,
} from '../schemas';
import { queryStatus, signalAccount } from '../signals';
import type { SignalName } from '../../workflows/messages';

const SERVICE = ['service'] as const;
const AGENT = ['agent'] as const;
const READERS = ['service', 'agent'] as const;

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** NDJSON lines or a JSON array → items; a line that is not JSON becomes a per-item problem, not a 400. */
function batchItems(body: unknown, isNdjson: boolean): { items: unknown[]; bad: Map<number, string> } {
  const bad = new Map<number, string>();
  if (!isNdjson) {
    if (!Array.isArray(body))
      throw problems.validation([{ field: '(root)', message: 'expected a JSON array of accounts' }]);
    return { items: body, bad };
  }
  const items: unknown[] = [];
  for (const line of (typeof body === 'string' ? body : '').split('\n')) {
    if (line.trim() === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch {
      bad.set(items.length, 'this line is not valid JSON');
      items.push(undefined);
    }
  }
  return { items, bad };
}

export function registerAccountRoutes(ctx: RouteContext, deps: RouteDeps): void {
  const idParams = AccountIdParams;

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/accounts',
      operationId: 'placeAccount',
      summary: 'Place an account: start its dunning workflow',
      description:
        'Idempotent by account id: 201 when placed now, 200 with the existing placement when it already runs. ' +
        'Payments recorded for the account before placement are handed to the workflow. An account id is one ' +
        'debt: placing an account whose collection closed answers 409 account-closed naming the status. ' +
        'Before anything is recorded or started, an account that cannot be collected is refused with 422 ' +
        'invalid-account naming each field: a time zone that is not IANA (debtor.timezone), an unknown ' +
        'jurisdiction or subdivision (debtor.jurisdiction), a currency that is not ISO 4217 or not accepted ' +
        '(ACCEPTED_CURRENCIES; default: the legal tender of the debtor’s country) (balance.currency), a zero ' +
        'balance (balance.amountMinor), a debtor no channel of the ladder can reach (debtor), and where the ' +
        'contact policy requires creditor identification (Brazil, CDC art. 42-A) a creditor, the account’s or the ' +
        'configured CREDITOR_*, without name, address or a CPF/CNPJ with valid check digits (creditor.*).',
      tags: ['accounts'],
      auth: SERVICE,
      body: PlaceAccountRequest,
      responses: {
        201: { description: 'placed', schema: PlacementResponse },
        200: { description: 'already placed; the existing placement', schema: PlacementResponse },
        409: { description: 'the account is closed (account-closed, naming the status it closed with)' },
        422: { description: 'the account cannot be collected as placed (invalid-account, naming each field)' },
      },
    },
    async ({ body }, _req, res) => {
      try {
        const placed = await placeAccount(deps, body);
        res.status(placed.created ? 201 : 200).json(placed);
      } catch (err) {
        deps.metrics.accountsPlaced.inc({ result: 'rejected' });
        throw err;
      }
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/accounts/batch',
      operationId: 'placeAccountsBatch',
      summary: 'Place up to 5,000 accounts (JSON array or NDJSON)',
      description:
        'Each item is validated and placed on its own: a bad item never sinks the others. Each refused item ' +
        'carries the problem it would have had alone (400, or 422 invalid-account naming each field).',
      tags: ['accounts'],
      auth: SERVICE,
      body: BatchRequest,
      bodyTypes: ['application/json', 'application/x-ndjson'],
      bodyLimit: deps.config.batchBodyLimit,
      rawBody: true,
      responses: { 200: { description: 'one result per item, in order', schema: BatchResponse } },
    },
    async (_input, req, res) => {
      if (req.body === undefined) throw problems.validation([{ field: '(root)', message: 'a body is required' }]);
      const { items, bad } = batchItems(req.body, req.is('application/x-ndjson') === 'application/x-ndjson');
      if (items.length > deps.config.batchMaxItems)
        throw new ProblemError(413, 'payload-too-large', `a batch holds at most ${deps.config.batchMaxItems} items`, [
          { field: '(root)', message: `${items.length} items; at most ${deps.config.batchMaxItems}` },
        ]);
      const instance = req.originalUrl.split('?')[0]!;
      const results = await mapBounded(items, deps.config.batchConcurrency, async (item, index) => {
        const badLine = bad.get(index);
        const parsed = badLine ? undefined : PlaceAccountRequest.safeParse(item);
        const accountId =
          typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string'
            ? (item as { id: string }).id
            : undefined;
        const idPart = accountId !== undefined ? { accountId } : {};
        try {
          if (badLine) throw new ProblemError(400, 'malformed-json', badLine, [{ field: '(root)', message: badLine }]);
          if (!parsed!.success) throw problems.validation(inputProblems(parsed!.error));
          const placed = await placeAccount(deps, parsed!.data);
          return { index, ...idPart, status: placed.created ? 201 : 200, result: placed };
        } catch (err) {
          const p = toProblem(err);
          if (p.status >= 500) deps.logger.error({ index, accountId, err: (err as Error)?.name }, 'batch item failed');
          deps.metrics.accountsPlaced.inc({ result: 'rejected' });
          return { index, ...idPart, status: p.status, problem: problemDocument(p, `${instance}#${index}`) };
        }
      });
      const count = (f: (r: { status: number }) => boolean) => results.filter(f).length;
      res.status(200).json({
        total: results.length,
        created: count((r) => r.status === 201),
        existing: count((r) => r.status === 200),
        failed: count((r) => r.status >= 400),
        results,
      });
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/accounts/:id',
      operationId: 'getAccount',
      summary: "The account's dunning status (the workflow's status query)",
      tags: ['accounts'],
      auth: READERS,
      params: idParams,
      responses: { 200: { description: 'status', schema: AccountStatusResponse }, 404: { description: 'unknown' } },
    },
    async ({ params }, _req, res) => {
      res.json(await queryStatus(deps, params.id));
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/accounts/:id/payments',
      operationId: 'recordPayment',
      summary: 'Record a payment (idempotent by paymentId)',
      description:
        'The payment is received in the inbox, then handed to the workflow (which records it) with signal-with-start: when the account is known ' +
        'but its workflow is not running yet, the workflow is started from the stored account with the payment. ' +
        'A payment for a closed account is still recorded, and answered 409 account-closed naming the status.',
      tags: ['accounts'],
      auth: SERVICE,
      params: idParams,
      body: PaymentRequest,
      responses: {
        202: { description: 'recorded and signalled', schema: PaymentResponse },
        404: { description: 'unknown account' },
        409: {
          description:
            'paymentId already recorded with a different amount (conflict), or the account is closed ' +
            '(account-closed: the payment is recorded, not applied)',
        },
      },
    },
    async ({ params, body }, _req, res) => {
      const placed = await deps.store.getPlacedAccount(params.id);
      if (!placed) throw problems.notFound(`account ${params.id} is not known`, 'id');
      const paidAt = body.paidAt ?? new Date(deps.now()).toISOString();
      // Received before anything else: whatever Temporal answers, the money is never lost.
      const { duplicate } = await deps.store.receivePayment(params.id, {
        paymentId: body.paymentId,
        amountMinor: body.amountMinor,
        currency: placed.account.balance.currency,
        paidAt,
      });
      // Delivered again on a duplicate: the workflow deduplicates by paymentId, and an earlier delivery may have failed.
      const delivery = await deliverPayment(deps, placed, { ...body, paidAt });
      deps.metrics.paymentsApplied.inc({ result: duplicate ? 'duplicate' : delivery.outcome });
      await deps.store.markDelivered(params.id, [{ kind: 'payment', key: body.paymentId }], deliveryOf(delivery));
      if (delivery.outcome === 'closed')
        throw accountClosed(params.id, delivery.status, `payment ${body.paymentId} is recorded but not applied`, {
          paymentId: body.paymentId,
          paymentRecorded: true,
          duplicate,
        });
      res.status(202).json({
        accountId: params.id,
        paymentId: body.paymentId,
        duplicate,
        delivered: delivery.outcome === 'signalled',
      });
    }
  );

  const simpleSignal = <S extends z.ZodType>(
    path: string,
    operationId: string,
    summary: string,
    signal: SignalName,
    schema: S,
    roles: readonly ('service' | 'agent')[]
  ) =>
    addRoute(
      ctx,
      {
        method: 'post',
        path,
        operationId,
        summary,
        tags: ['accounts'],
        auth: roles,
        params: idParams,
        body: schema,
        bodyOptional: true,
        responses: {
          202: { description: 'signalled', schema: SignalAccepted },
          404: { description: 'unknown' },
          409: { description: 'the account is closed (account-closed, naming the status)' },
        },
      },
      async ({ params, body }, _req, res) => {
        try {
          await signalAccount(deps, params.id, signal, body as never);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          const status = await closedStatusOf(deps, params.id);
          if (status === undefined) throw err;
          throw accountClosed(params.id, status, `${signal} was not delivered`);
        }
        res.status(202).json({ accountId: params.id, workflowId: workflowIdFor(params.id), signal });
      }
    );
  simpleSignal(
    '/v1/accounts/:id/disputes',
    'openDispute',
    'Open a dispute: collection pauses',
    'disputeOpened',
    DisputeRequest,
    READERS
  );
  simpleSignal(
    '/v1/accounts/:id/disputes/resolve',
    'resolveDispute',
    'Resolve the open dispute (rejected: collection resumes; upheld: it ends)',
    'disputeResolved',
    DisputeResolveRequest,
    SERVICE
  );
  simpleSignal(
    '/v1/accounts/:id/cancel',
    'cancelAccount',
    'Cancel collection of the account',
    'cancel',
    CancelRequest,
    SERVICE
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/accounts/:id/promises',
      operationId: 'recordPromise',
      summary: 'Record a promise to pay (a Workflow Update: accepted or rejected in one round trip)',
      description:
        'The account\u2019s workflow checks the promise against its own state with the engine\u2019s rules and ' +
        'applies it before answering: 201 with the promise and the account\u2019s status, or 422 naming the field ' +
        '(a past date, beyond the horizon, above the balance, a dispute open, an agreement active). The promise id ' +
        'is the Update id: send your own `promiseId` and a retried request is applied once.',
      tags: ['agents'],
      auth: AGENT,
      params: idParams,
      body: PromiseRequest,
      responses: {
        201: { description: 'recorded; the answer names the promise and the status', schema: PromiseResponse },
        404: { description: 'unknown account' },
        409: { description: 'the account is closed (account-closed, naming the status)' },
        422: { description: 'past date, beyond the horizon, above the balance, dispute open, agreement active' },
      },
    },
    async ({ params, body }, _req, res) => {
      const { promise, outcome } = await recordPromise(deps, params.id, body);
      res.status(201).json({ accountId: params.id, promise, status: outcome.status });
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/accounts/:id/agreements',
      operationId: 'recordAgreement',
      summary: 'Record a payment agreement (installments; a Workflow Update: accepted or rejected in one round trip)',
      description:
        'Checked and applied by the account\u2019s workflow before the answer, like a promise: 201 with the ' +
        'agreement and the account\u2019s status, or 422 naming the field. The agreement id is the Update id.',
      tags: ['agents'],
      auth: AGENT,
      params: idParams,
      body: AgreementRequest,
      responses: {
        201: { description: 'recorded; the answer names the agreement and the status', schema: AgreementResponse },
        404: { description: 'unknown account' },
        409: { description: 'the account is closed (account-closed, naming the status)' },
        422: { description: 'past first installment, total above the balance, dispute open, another agreement active' },
      },
    },
    async ({ params, body }, _req, res) => {
      const { agreement, outcome } = await recordAgreement(deps, params.id, body);
      res.status(201).json({ accountId: params.id, agreement, status: outcome.status });
    }
  );
}
