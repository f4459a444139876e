import { completeTask } from '../agent-task-work';
import type { RouteDeps } from '../deps';
import { problems } from '../problem';
import { addRoute, type RouteContext } from '../route';
import {
  AgentTaskIdParams,
  AgentTaskList,
  AgentTaskListQuery,
  AgentTaskSchema,
  ClaimRequest,
  CompletedAgentTask,
  CompleteRequest,
} from '../schemas';

const AGENT = ['agent'] as const;

export function registerAgentTaskRoutes(ctx: RouteContext, deps: RouteDeps): void {
  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/agent-tasks',
      operationId: 'listAgentTasks',
      summary: 'The agent work queue, oldest first (filter by status, assignee, jurisdiction; cursor-paginated)',
      tags: ['agents'],
      auth: AGENT,
      query: AgentTaskListQuery,
      responses: { 200: { description: 'a page of tasks', schema: AgentTaskList } },
    },
    async ({ query }, _req, res) => {
      res.json(await deps.store.listAgentTasks(query));
    }
  );

  addRoute(
    ctx,
    {
      method: 'get',
      path: '/v1/agent-tasks/:id',
      operationId: 'getAgentTask',
      summary: 'One task, with the window in which the debtor may be called (or why no call may be made)',
      tags: ['agents'],
      auth: AGENT,
      params: AgentTaskIdParams,
      responses: { 200: { description: 'the task', schema: AgentTaskSchema }, 404: { description: 'unknown task' } },
    },
    async ({ params }, _req, res) => {
      const task = await deps.store.getAgentTask(params.id);
      if (!task) throw problems.notFound(`agent task ${params.id} does not exist`, 'id');
      res.json(task);
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/agent-tasks/:id/claim',
      operationId: 'claimAgentTask',
      summary: 'Claim an open task (claiming again as the same agent is a no-op)',
      tags: ['agents'],
      auth: AGENT,
      params: AgentTaskIdParams,
      body: ClaimRequest,
      bodyOptional: true,
      responses: {
        200: { description: 'claimed', schema: AgentTaskSchema },
        404: { description: 'unknown task' },
        409: { description: 'claimed by someone else, or done' },
      },
    },
    async ({ params, body }, _req, res) => {
      const agentId = body.agentId ?? res.locals.principal!.label;
      res.json(await deps.store.claimAgentTask(params.id, agentId));
    }
  );

  addRoute(
    ctx,
    {
      method: 'post',
      path: '/v1/agent-tasks/:id/complete',
      operationId: 'completeAgentTask',
      summary: 'Complete a task with the call’s outcome; the outcome is fed back to the account’s workflow',
      description:
        'The completion is recorded, then signalled to the workflow as agentContact (task key and id, outcome, ' +
        'agent, calledAt, note): every outcome but `other` counts as a call towards the contact caps (Reg F’s ' +
        '7 calls in 7 days, 12 CFR 1006.14(b)(2); Colombia’s one contact a day), `wrong_number` retires the number ' +
        'for calls and texts, and `disputed` opens a dispute. Repeating the same completion is a no-op in the ' +
        'database and delivers the outcome again, so a completion answered 503 may simply be retried. When the ' +
        'account’s collection has ended, the completion is recorded and `delivered` is false.',
      tags: ['agents'],
      auth: AGENT,
      params: AgentTaskIdParams,
      body: CompleteRequest,
      responses: {
        200: { description: 'done', schema: CompletedAgentTask },
        404: { description: 'unknown task' },
        409: { description: 'claimed by someone else, or already done differently' },
      },
    },
    async ({ params, body }, _req, res) => {
      const by = body.agentId ?? res.locals.principal!.label;
      const { task, ...delivery } = await completeTask(deps, params.id, {
        outcome: body.outcome,
        by,
        ...(body.note !== undefined && { note: body.note }),
        ...(body.calledAt !== undefined && { calledAt: body.calledAt }),
      });
      res.json({ ...task, ...delivery });
    }
  );
}
