import { workflowIdFor } from '../../workflows/workflow-input';
import { accountClosed } from '../closed-account';
import type { RouteDeps } from '../deps';
import { problems } from '../problem';
import { addRoute, type RouteContext } from '../route';
import { AccountIdParams, OptOutRequest, OptOutResponse } from '../schemas';
import { receiveAndDeliverOptOut } from '../opt-out-delivery';

/** Letters and calls arrive late and clocks drift: a receivedAt this far ahead of the API's clock is a mistake. */
const CLOCK_SKEW_MS = 5 * 60_000;

export function registerOptOutRoutes(ctx: RouteContext, deps: RouteDeps): void {
  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/accounts/:id/opt-outs',
      operationId: 'recordOptOut',
      summary: 'Record an opt-out or a cease request received by letter, by phone, from the backend or an agent',
      description:
        'The opt-out is recorded (channel, source, who took it, when it was received; the note goes to the audit ' +
        'log), then handed to the workflow as the optOut signal. A channel stops that channel (`call` stops ' +
        "agents' calls); `all` is a cease-communication request: under 12 CFR 1006.6(c) a collector that " +
        'receives a consumer’s written request to cease communication must stop communicating with the ' +
        'consumer about the debt, and the workflow sends nothing more on any channel. A request by phone is ' +
        'honoured the same way. Letters and calls must name the actor who took them. An account whose ' +
        'collection ended answers 409 account-closed (the opt-out is still recorded).',
      tags: ['accounts'],
      auth: ['service', 'agent'],
      params: AccountIdParams,
      body: OptOutRequest,
      responses: {
        202: { description: 'recorded and signalled', schema: OptOutResponse },
        404: { description: 'unknown account' },
        409: { description: 'the account is closed (account-closed, naming the status; the opt-out is recorded)' },
        422: { description: 'receivedAt lies in the future' },
      },
    },
    async ({ params, body }, _req, res) => {
      const now = deps.now();
      if (body.receivedAt !== undefined && Date.parse(body.receivedAt) > now + CLOCK_SKEW_MS)
        throw problems.unprocessable(`receivedAt ${body.receivedAt} lies in the future`, 'receivedAt');
      if (!(await deps.store.getPlacedAccount(params.id)))
        throw problems.notFound(`account ${params.id} is not known`, 'id');
      const actor = body.actor ?? res.locals.principal!.label;
      const receivedAt = new Date(body.receivedAt ?? now);
      await deps.store.appendAuditEvent({
        accountId: params.id,
        actor,
        action: body.channel === 'all' ? 'cease_request_received' : 'opt_out_received',
        reason: `${body.channel} by ${body.source}`,
        data: { channel: body.channel, source: body.source, ...(body.note !== undefined && { note: body.note }) },
        at: receivedAt,
      });
      const optOut = { channel: body.channel, source: body.source, actor, receivedAt: receivedAt.toISOString() };
      // Received before Temporal is asked: whatever it answers, the request is on file.
      const delivery = await receiveAndDeliverOptOut(deps, params.id, optOut);
      if (delivery.outcome === 'unknown_account') throw problems.notFound(`account ${params.id} is not known`, 'id');
      if (delivery.outcome === 'closed')
        throw accountClosed(params.id, delivery.status, `the ${body.channel} opt-out is recorded`, {
          optOutRecorded: true,
        });
      res.status(202).json({
        accountId: params.id,
        workflowId: workflowIdFor(params.id),
        signal: 'optOut',
        delivered: delivery.outcome === 'signalled',
        optOut,
      });
    }
  );
}
