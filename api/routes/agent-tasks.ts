import type { RouteDeps } from '../deps';
import { addRoute, type RouteContext } from '../route';
import {
  AgentTaskIdParams,
  AgentTaskList,
  AgentTaskListQuery,
  AgentTaskSchema,
  ClaimRequest,
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
      summary: 'Complete a task with an outcome and a note (repeating the same completion is a no-op)',
      tags: ['agents'],
      auth: AGENT,
      params: AgentTaskIdParams,
      body: CompleteRequest,
      responses: {
        200: { description: 'done', schema: AgentTaskSchema },
        404: { description: 'unknown task' },
        409: { description: 'claimed by someone else, or already done differently' },
      },
    },
    async ({ params, body }, _req, res) => {
      const by = body.agentId ?? res.locals.principal!.label;
      res.json(
        await deps.store.completeAgentTask(params.id, {
          outcome: body.outcome,
          by,
          ...(body.note !== undefined && { note: body.note }),
        })
      );
    }
  );
}
