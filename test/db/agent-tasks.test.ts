import { expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../db/errors';
import type { NewAgentTask } from '../../db/repositories/agent-tasks';
import {
  claimAgentTask,
  completeAgentTask,
  createAgentTask,
  getAgentTask,
  listAgentTasks,
} from '../../db/repositories/agent-tasks';
import { countRows, describeEachBackend } from './test-database';

function task(overrides: Partial<NewAgentTask> = {}): NewAgentTask {
  return {
    workflowId: 'dunning-acc-co-1001',
    taskKey: 'call-after-day-14',
    accountId: 'acc-co-1001',
    reason: 'all_channels_failed',
    template: 'agent_call_script_co',
    jurisdiction: 'CO',
    balanceMinor: 45_990_000,
    currency: 'COP',
    ...overrides,
  };
}

describeEachBackend('agent task queue', (ctx) => {
  it('creates a task once per (workflow, task key) and returns the same id on retry', async () => {
    const first = await createAgentTask(ctx.db(), task());
    const retry = await createAgentTask(ctx.db(), task());
    expect(first.created).toBe(true);
    expect(retry).toEqual({ taskId: first.taskId, created: false });
    expect(await countRows(ctx.db(), 'agent_tasks')).toBe(1);
    expect(await getAgentTask(ctx.db(), first.taskId)).toMatchObject({
      status: 'open',
      assignee: null,
      balanceMinor: 45_990_000,
      currency: 'COP',
    });
  });

  it('keeps when the debtor may be called, or why no call may be made, with the task', async () => {
    const callable = await createAgentTask(
      ctx.db(),
      task({
        call: {
          allowed: true,
          opensAt: '2026-12-16T12:00:00.000Z',
          closesAt: '2026-12-17T00:00:00.000Z',
          zone: 'America/Bogota',
        },
      })
    );
    const ceased = await createAgentTask(
      ctx.db(),
      task({ taskKey: 'promise-broken:p-1', call: { allowed: false, reason: 'cease_communication' } })
    );
    expect((await getAgentTask(ctx.db(), callable.taskId))?.call).toEqual({
      allowed: true,
      opensAt: '2026-12-16T12:00:00.000Z',
      closesAt: '2026-12-17T00:00:00.000Z',
      zone: 'America/Bogota',
    });
    expect((await getAgentTask(ctx.db(), ceased.taskId))?.call).toEqual({
      allowed: false,
      reason: 'cease_communication',
    });
  });

  it('lists open tasks filtered by jurisdiction and pages through them with a cursor without repeats', async () => {
    for (let i = 0; i < 5; i++) await createAgentTask(ctx.db(), task({ taskKey: `co-${i}` }));
    await createAgentTask(ctx.db(), task({ workflowId: 'dunning-acc-br-2002', taskKey: 'br-0', jurisdiction: 'BR' }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAgentTasks(ctx.db(), { status: 'open', jurisdiction: 'CO', limit: 2, cursor });
      seen.push(...page.tasks.map((t) => t.taskKey));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(seen).toEqual(['co-0', 'co-1', 'co-2', 'co-3', 'co-4']);
    expect(pages).toBe(3);
  });

  it('filters by assignee after a claim', async () => {
    const a = await createAgentTask(ctx.db(), task({ taskKey: 'a' }));
    await createAgentTask(ctx.db(), task({ taskKey: 'b' }));
    await claimAgentTask(ctx.db(), a.taskId, 'agent-lucia-fernandez');
    const mine = await listAgentTasks(ctx.db(), { assignee: 'agent-lucia-fernandez' });
    expect(mine.tasks.map((t) => t.taskKey)).toEqual(['a']);
    expect((await listAgentTasks(ctx.db(), { status: 'open' })).tasks.map((t) => t.taskKey)).toEqual(['b']);
  });

  it('rejects a malformed cursor as a validation error', async () => {
    await expect(listAgentTasks(ctx.db(), { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('lets one agent claim an open task, and reports a conflict to a second agent', async () => {
    const { taskId } = await createAgentTask(ctx.db(), task());
    const claimed = await claimAgentTask(ctx.db(), taskId, 'agent-lucia-fernandez');
    expect(claimed).toMatchObject({ status: 'claimed', assignee: 'agent-lucia-fernandez' });
    expect(claimed.claimedAt).toBeInstanceOf(Date);
    expect(await claimAgentTask(ctx.db(), taskId, 'agent-lucia-fernandez')).toMatchObject({ status: 'claimed' });
    const err: unknown = await claimAgentTask(ctx.db(), taskId, 'agent-rafael-souza').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).field).toBe('status');
  });

  it('lets exactly one of two agents racing for the same task win', async () => {
    const { taskId } = await createAgentTask(ctx.db(), task());
    const results = await Promise.allSettled([
      claimAgentTask(ctx.db(), taskId, 'agent-lucia-fernandez'),
      claimAgentTask(ctx.db(), taskId, 'agent-rafael-souza'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('completes a claimed task with outcome and note, idempotently for the same agent', async () => {
    const { taskId } = await createAgentTask(ctx.db(), task());
    await claimAgentTask(ctx.db(), taskId, 'agent-lucia-fernandez');
    const done = await completeAgentTask(ctx.db(), taskId, {
      agentId: 'agent-lucia-fernandez',
      outcome: 'promise_to_pay',
      note: 'La señora Restrepo pagará el viernes.',
    });
    expect(done).toMatchObject({
      status: 'done',
      outcome: 'promise_to_pay',
      note: 'La señora Restrepo pagará el viernes.',
    });
    expect(done.completedAt).toBeInstanceOf(Date);
    const again = await completeAgentTask(ctx.db(), taskId, {
      agentId: 'agent-lucia-fernandez',
      outcome: 'promise_to_pay',
    });
    expect(again.completedAt).toEqual(done.completedAt);
    await expect(
      completeAgentTask(ctx.db(), taskId, { agentId: 'agent-rafael-souza', outcome: 'no_answer' })
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('does not let an agent complete a task someone else claimed', async () => {
    const { taskId } = await createAgentTask(ctx.db(), task());
    await claimAgentTask(ctx.db(), taskId, 'agent-lucia-fernandez');
    await expect(
      completeAgentTask(ctx.db(), taskId, { agentId: 'agent-rafael-souza', outcome: 'no_answer' })
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('reports unknown and malformed task ids as not found', async () => {
    await expect(claimAgentTask(ctx.db(), '0b7b9a55-3c1e-4c39-9d55-000000000000', 'a')).rejects.toBeInstanceOf(
      NotFoundError
    );
    await expect(claimAgentTask(ctx.db(), '1; drop table agent_tasks', 'a')).rejects.toBeInstanceOf(NotFoundError);
    expect(await getAgentTask(ctx.db(), 'nope')).toBeUndefined();
  });
});
