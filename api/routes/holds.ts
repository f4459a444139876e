import type { DataConverter } from '@temporalio/common';
import { encodeToPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { holdPlacedSignal, holdReleasedSignal } from '../../workflows/messages';
import type { RouteDeps } from '../deps';
import { problems } from '../problem';
import { actorOf, addRoute, type RouteContext } from '../route';

/** Which running accounts a hold covers: every criterion given must hold. */
const HoldFilter = z
  .strictObject({
    jurisdictions: z
      .array(z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/))
      .min(1)
      .optional(),
    ladderVersions: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*@\d+$/, 'expected <ladder id>@<version>'))
      .min(1)
      .optional(),
    segments: z.array(z.string().min(1).max(63)).min(1).optional().describe('the segments that placed them'),
    creditors: z.array(z.string().min(1).max(200)).min(1).optional().describe('the creditor names the accounts carry'),
    accountIds: z.array(z.string().min(1).max(128)).min(1).max(1000).optional(),
  })
  .refine((f) => Object.keys(f).length > 0, { message: 'name at least one criterion: a hold never covers everything' });

const HoldIdParams = z.strictObject({
  holdId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a kebab-case hold id'),
});

const PlaceHoldRequest = z.strictObject({
  reason: z.string().min(1).max(500).describe('recorded on every held account, and shown as why it waits'),
  filter: HoldFilter,
});

const HoldProgress = z.object({
  holdId: z.string(),
  operation: z.enum(['hold', 'release']),
  jobId: z.string(),
  state: z.string().describe('the Temporal batch operation’s state: RUNNING, COMPLETED, FAILED'),
  total: z.number().int().describe('accounts matched'),
  done: z.number().int(),
  failed: z.number().int(),
  startedAt: z.string().optional(),
  closedAt: z.string().optional(),
});

const quote = (s: string) => `'${s.replace(/'/g, "\\'")}'`;

/** The visibility query of running dunning workflows the filter covers. */
export function holdQuery(filter: z.infer<typeof HoldFilter>): string {
  const any = (field: string, values: readonly string[]) =>
    values.length === 1 ? `${field} = ${quote(values[0]!)}` : `${field} IN (${values.map(quote).join(', ')})`;
  return [
    `WorkflowType = 'dunningWorkflow'`,
    `ExecutionStatus = 'Running'`,
    ...(filter.jurisdictions ? [any('Jurisdiction', filter.jurisdictions)] : []),
    ...(filter.ladderVersions ? [any('LadderVersion', filter.ladderVersions)] : []),
    ...(filter.segments ? [any('Segment', filter.segments)] : []),
    ...(filter.creditors ? [any('Creditor', filter.creditors)] : []),
    ...(filter.accountIds ? [any('AccountId', filter.accountIds)] : []),
  ].join(' AND ');
}

const jobIdOf = (holdId: string, op: 'hold' | 'release') => `cobranza-${op}-${holdId}`;
const iso = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t?.seconds == null ? undefined : new Date(Number(t.seconds) * 1000 + Math.round((t.nanos ?? 0) / 1e6)).toISOString();

/**
 * Portfolio holds: one call pauses every running account a filter covers, through a Temporal batch operation that
 * signals each one (durable, resumable and reported by the server, never a loop in this process). The job id is the
 * hold's, so a retried call starts nothing new; the workflow ignores a hold it already has.
 */
export function registerHoldRoutes(ctx: RouteContext, deps: RouteDeps, dataConverter?: DataConverter): void {
  const converter = loadDataConverter(dataConverter);
  const service = () => deps.temporal.workflow.workflowService;
  const namespace = () => deps.temporal.workflow.options.namespace;

  const start = async (
    holdId: string,
    op: 'hold' | 'release',
    query: string,
    reason: string,
    signal: string,
    input: unknown
  ) => {
    const jobId = jobIdOf(holdId, op);
    try {
      await service().startBatchOperation({
        namespace: namespace(),
        jobId,
        reason,
        visibilityQuery: query,
        signalOperation: {
          signal,
          input: { payloads: await encodeToPayloads(converter, input) },
          identity: 'cobranza-api',
        },
      });
    } catch (err) {
      // ALREADY_EXISTS: the same hold was asked before; its job is the answer.
      if ((err as { code?: number }).code !== 6) throw err;
    }
    return jobId;
  };

  const progress = async (holdId: string, op: 'hold' | 'release'): Promise<z.infer<typeof HoldProgress>> => {
    const jobId = jobIdOf(holdId, op);
    const d = await service().describeBatchOperation({ namespace: namespace(), jobId });
    return {
      holdId,
      operation: op,
      jobId,
      state: (temporal.api.enums.v1.BatchOperationState[d.state ?? 0] ?? 'UNSPECIFIED').replace(
        /^BATCH_OPERATION_STATE_/,
        ''
      ),
      total: Number(d.totalOperationCount ?? 0),
      done: Number(d.completeOperationCount ?? 0),
      failed: Number(d.failureOperationCount ?? 0),
      ...(iso(d.startTime) && { startedAt: iso(d.startTime) }),
      ...(iso(d.closeTime) && { closedAt: iso(d.closeTime) }),
    };
  };

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/holds/:holdId',
      operationId: 'placeHold',
      summary: 'Hold every running account a filter covers: nothing is sent to them until the hold is released',
      description:
        'A Temporal batch operation signals `holdPlaced` to each running dunning workflow the filter covers ' +
        '(jurisdictions, ladder versions, segments, creditors, account ids). A held account sends nothing, records ' +
        '`hold_placed` with the reason, and waits with reason `held`; its ladder stands still and resumes where it ' +
        'stopped. Accounts placed after the call are not held.',
      tags: ['holds'],
      auth: ['admin'],
      params: HoldIdParams,
      body: PlaceHoldRequest,
      responses: { 202: { description: 'the hold’s batch operation, as it stands', schema: HoldProgress } },
    },
    async ({ params, body }, _req, res) => {
      // The first record of a hold id is the hold: a retried call signals the same accounts, for the same reason.
      const held = await deps.ladders.recordHold({
        holdId: params.holdId,
        query: holdQuery(body.filter),
        reason: body.reason,
        actor: actorOf(res),
      });
      await start(held.holdId, 'hold', held.query, `hold ${held.holdId}: ${held.reason}`, holdPlacedSignal.name, {
        holdId: held.holdId,
        reason: held.reason,
      });
      deps.logger.info({ holdId: held.holdId, query: held.query }, 'portfolio hold started');
      res.status(202).json(await progress(held.holdId, 'hold'));
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/holds/:holdId/release',
      operationId: 'releaseHold',
      summary: 'Release a hold: every running account still holding it resumes',
      tags: ['holds'],
      auth: ['admin'],
      params: HoldIdParams,
      bodyOptional: true,
      body: z.strictObject({}),
      responses: {
        202: { description: 'the release’s batch operation, as it stands', schema: HoldProgress },
        404: { description: 'no such hold' },
      },
    },
    async ({ params }, _req, res) => {
      const held = await deps.ladders.getHold(params.holdId);
      if (!held) throw problems.notFound(`hold ${params.holdId} was never placed`, 'holdId');
      // The hold's own query: every account it covered that still runs. One that never got the hold rejects the
      // release (shown in its status) and is otherwise unchanged.
      await start(held.holdId, 'release', held.query, `release hold ${held.holdId}`, holdReleasedSignal.name, {
        holdId: held.holdId,
      });
      await deps.ladders.markHoldReleased(held.holdId, actorOf(res));
      deps.logger.info({ holdId: held.holdId }, 'portfolio hold released');
      res.status(202).json(await progress(held.holdId, 'release'));
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/holds/:holdId',
      operationId: 'getHold',
      summary: 'How far a hold (and its release) got: accounts matched, signalled and failed',
      tags: ['holds'],
      auth: ['admin', 'service'],
      params: HoldIdParams,
      responses: {
        200: {
          description: 'the hold and, once asked, its release',
          schema: z.object({
            holdId: z.string(),
            query: z.string().describe('the visibility query of the accounts it covers'),
            reason: z.string(),
            placedBy: z.string(),
            placedAt: z.string(),
            releasedBy: z.string().optional(),
            releasedAt: z.string().optional(),
            hold: HoldProgress,
            release: HoldProgress.nullable(),
          }),
        },
        404: { description: 'no such hold' },
      },
    },
    async ({ params }, _req, res) => {
      const held = await deps.ladders.getHold(params.holdId);
      if (!held) throw problems.notFound(`hold ${params.holdId} was never placed`, 'holdId');
      const hold = await progress(held.holdId, 'hold');
      const release = held.releasedAt === undefined ? null : await progress(held.holdId, 'release');
      res.json({ ...held, hold, release });
    }
  );
}
