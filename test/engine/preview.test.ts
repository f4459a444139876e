import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ana, camila, lucia, withDebtor } from '../../scenarios/personas';
import { inputProblems } from '../../workflows/engine/input-problems';
import { runPreview } from '../../workflows/engine/preview';

// acc-ana-001, not Ana's usual id: the instants below are this id's spread.
const scenario = (over: Record<string, unknown> = {}) => ({
  account: ana({ id: 'acc-ana-001' }),
  startAt: '2026-11-20T15:00:00Z',
  until: '2027-01-31T00:00:00Z',
  events: [{ type: 'payment', at: '2026-12-03T18:00:00Z', paymentId: 'pay-1', amountMinor: 50_000 }],
  ...over,
});

function problemsOf(input: unknown) {
  try {
    runPreview(input);
  } catch (err) {
    if (err instanceof ZodError) return inputProblems(err);
    throw err;
  }
  throw new Error('expected the scenario to be refused');
}

describe('preview: the issue’s scenario (Ana López, MX, due 2026-12-01, partial payment 50 000 on 2026-12-03)', () => {
  const result = runPreview(scenario());

  it('plans pre-due nudge, day-1 SMS, week-1 email quoting 100 000, the agent task, the final notice, then the end', () => {
    expect(result.actions.map((a) => [a.step, a.kind, a.channel ?? null, a.amountMinor])).toEqual([
      ['pre-due-nudge', 'message', 'sms', 150_000],
      ['day-1-sms', 'message', 'sms', 150_000],
      ['week-1-email', 'message', 'email', 100_000],
      ['agent-task', 'agent_task', null, 100_000],
      ['final-notice', 'message', 'email', 100_000],
      ['ladder-end', 'end', null, 100_000],
    ]);
  });

  it('shows the ladder’s end as its last action, at due + 45 days, with the outcome it ends collection with', () => {
    expect(result.actions.at(-1)).toEqual({
      at: '2027-01-15T15:55:23.000Z',
      local: '2027-01-15T09:55:23-06:00',
      step: 'ladder-end',
      kind: 'end',
      template: 'ladder_end',
      amountMinor: 100_000,
      referenceDate: '2026-12-01',
      outcome: 'exhausted',
    });
  });

  it('names the address and the date each message refers to', () => {
    expect(result.actions.slice(0, 3).map((a) => [a.to, a.referenceDate])).toEqual([
      ['+5215512345678', '2026-12-01'],
      ['+5215512345678', '2026-12-01'],
      ['ana.lopez@example.mx', '2026-12-01'],
    ]);
  });

  it('says who is previewed and which zone the local times are in', () => {
    expect(result.account).toEqual({
      id: 'acc-ana-001',
      name: 'Ana López',
      jurisdiction: 'MX',
      zone: 'America/Mexico_City',
      locale: 'es-MX',
      currency: 'MXN',
    });
  });

  it('spreads acc-ana-001 by 55 min 23 s: exact local times in America/Mexico_City', () => {
    expect(result.actions.map((a) => a.local)).toEqual([
      '2026-11-28T10:55:23-06:00',
      '2026-12-02T10:55:23-06:00',
      '2026-12-08T09:55:23-06:00',
      '2026-12-15T09:55:23-06:00',
      '2026-12-31T09:55:23-06:00',
      '2027-01-15T09:55:23-06:00',
    ]);
    expect(result.actions[0]!.at).toBe('2026-11-28T16:55:23.000Z');
  });

  it('ends exhausted with the lowered balance after the final notice, with nothing moved, held back or skipped', () => {
    expect(result.final).toEqual({ status: 'exhausted', balanceMinor: 100_000, stage: 'final-notice' });
    expect([result.moved, result.suppressed, result.skipped, result.rejected]).toEqual([[], [], [], []]);
  });

  it('is deterministic: the same scenario gives the same timeline', () => {
    expect(runPreview(scenario())).toEqual(result);
  });

  it('another account id gets another, equally deterministic, spread', () => {
    const other = runPreview(scenario({ account: { ...scenario().account, id: 'acc-ana-002' } }));
    expect(other.actions[0]!.local).not.toBe(result.actions[0]!.local);
    expect(other.actions[0]!.local.slice(0, 14)).toBe('2026-11-28T10:');
  });

  it('a full payment instead ends all contact at once, with the status paid', () => {
    const r = runPreview(
      scenario({ events: [{ type: 'payment', at: '2026-12-03T18:00:00Z', paymentId: 'pay-1', amountMinor: 150_000 }] })
    );
    expect(r.actions.map((a) => a.step)).toEqual(['pre-due-nudge', 'day-1-sms']);
    expect(r.final).toMatchObject({ status: 'paid', balanceMinor: 0 });
  });

  it('an SMS opt-out and a later permanent email failure show as skips with machine-readable reasons', () => {
    const r = runPreview(
      scenario({
        events: [
          { type: 'optOut', at: '2026-11-21T00:00:00Z', channel: 'sms' },
          { type: 'deliveryFailed', at: '2026-11-29T00:00:00Z', channel: 'email', permanent: true },
        ],
      })
    );
    // The SMS opt-out also retires WhatsApp on the same number; once email fails too, no message step has a
    // usable channel, so each is skipped with a reason and only the agent task and the ladder's end remain.
    expect(r.actions.map((a) => `${a.step}:${a.channel ?? a.kind}`)).toEqual([
      'pre-due-nudge:email',
      'agent-task:agent_task',
      'ladder-end:end',
    ]);
    expect(r.skipped.map((x) => `${x.step}:${x.reason}`)).toContain('day-1-sms:no_usable_channel');
    const reasons = r.skipped.map((x) => `${x.step}:${x.reason}`);
    expect(reasons).toContain('pre-due-nudge:channel_opted_out');
    expect(reasons).toContain('week-1-email:channel_failed');
    expect(reasons).toContain('week-1-email:no_usable_channel');
  });

  it('an email-only Madrid account lists the missing SMS address as skipped and the weekend as a move, with its rule', () => {
    const r = runPreview(
      scenario({
        account: withDebtor(lucia(), { phone: undefined }),
        events: [],
      })
    );
    expect(r.skipped[0]).toEqual({
      step: 'pre-due-nudge',
      at: '2026-11-28T09:28:44.000Z',
      local: '2026-11-28T10:28:44+01:00',
      reason: 'channel_no_address',
      detail: 'sms',
    });
    // Saturday 10:00 Madrid (+ the account's spread) is outside Mon–Fri 09:00–21:00: Monday at the same spread.
    expect(r.moved[0]).toMatchObject({
      step: 'pre-due-nudge',
      fromLocal: '2026-11-28T10:28:44+01:00',
      toLocal: '2026-11-30T09:28:44+01:00',
      reasons: ['contact_window'],
      rules: ['ES:RDL 1/2007 art. 96.2'],
    });
    expect(r.actions[0]).toMatchObject({ step: 'pre-due-nudge', local: '2026-11-30T09:28:44+01:00' });
    expect(r.skipped.map((x) => x.reason)).not.toContain('contact_window');
  });
});

describe('preview: moves, suppressions, skips and rejections are separate lists', () => {
  it('a placement the morning after the due date lists the pre-due nudge as skipped (due_date_passed), not as moved', () => {
    const r = runPreview(scenario({ startAt: '2026-12-02T14:00:00Z', events: [] }));
    expect(r.skipped).toEqual([
      {
        step: 'pre-due-nudge',
        at: '2026-12-02T14:00:00.000Z',
        local: '2026-12-02T08:00:00-06:00',
        reason: 'due_date_passed',
      },
    ]);
    expect(r.moved).toEqual([]);
    expect(r.actions[0]).toMatchObject({ step: 'day-1-sms', local: '2026-12-02T10:55:23-06:00' });
  });

  it('a promise beyond the 45-day horizon is listed as rejected with the engine’s reason, and the ladder goes on', () => {
    const r = runPreview(
      scenario({
        events: [
          {
            type: 'promise',
            at: '2026-12-10T16:00:00Z',
            amountMinor: 150_000,
            date: '2027-06-01',
            agentId: 'agt-rosa',
          },
        ],
      })
    );
    expect(r.rejected).toEqual([
      {
        step: 'promiseToPay',
        at: '2026-12-10T16:00:00.000Z',
        local: '2026-12-10T10:00:00-06:00',
        reason: 'invalid_signal',
        detail: 'date 2027-06-01 is beyond the 45-day horizon (2027-01-24)',
      },
    ]);
    expect(r.skipped).toEqual([]);
    expect(r.actions.map((a) => a.step)).toContain('agent-task');
  });

  it('a broken promise lists the week-1 email it held as suppressed (held_by_promise); the email goes out later', () => {
    const r = runPreview(
      scenario({
        events: [
          {
            type: 'promise',
            at: '2026-12-04T18:00:00Z',
            promiseId: 'p-ana-1',
            date: '2026-12-10',
            amountMinor: 50_000,
            agentId: 'agt-rosa',
          },
        ],
      })
    );
    expect(r.suppressed).toEqual([
      {
        step: 'week-1-email',
        at: '2026-12-12T15:55:23.000Z',
        local: '2026-12-12T09:55:23-06:00',
        reason: 'held_by_promise',
        detail: 'planned 2026-12-08T15:55:23.000Z',
      },
    ]);
    expect(r.skipped).toEqual([]);
    expect(r.actions.find((a) => a.step === 'week-1-email')!.local).toBe('2026-12-16T09:55:23-06:00');
  });

  it('a cease-communication request lists every message still to come as suppressed, and nothing is sent after it', () => {
    const r = runPreview(scenario({ events: [{ type: 'optOut', at: '2026-12-03T18:00:00Z', channel: 'all' }] }));
    expect(r.suppressed.map((x) => `${x.step}:${x.reason}:${x.local}`)).toEqual([
      'week-1-email:cease_communication:2026-12-03T12:00:00-06:00',
      'final-notice:cease_communication:2026-12-03T12:00:00-06:00',
    ]);
    expect(r.actions.map((a) => a.step)).toEqual(['pre-due-nudge', 'day-1-sms']);
    expect(r.final.status).toBe('ceased');
  });

  it('a step the contact rules move is not in skipped, and a skipped one is not in moved', () => {
    const r = runPreview({ account: camila(), startAt: '2026-11-20T15:00:00Z', until: '2027-01-31T00:00:00Z' });
    expect(r.moved.map((m) => m.step)).toEqual(['week-1-email']);
    expect(r.skipped).toEqual([]);
    expect(r.suppressed).toEqual([]);
  });
});

describe('preview: a chain of moves of one step is one entry naming each rule in order', () => {
  // Camila Restrepo (Bogotá, due 2026-12-01): the week-1 email is planned for Tuesday 8 December 09:00 (+ spread), the
  // Inmaculada Concepción. test/replay/dunning-ladder.test.ts replays the same three moves through the workflow.
  const r = runPreview({ account: camila(), startAt: '2026-11-20T15:00:00Z', until: '2027-01-31T00:00:00Z' });

  it('moves the week-1 email from the festivo to the next morning, then to the window, then a week after the SMS', () => {
    expect(r.moved).toEqual([
      {
        step: 'week-1-email',
        from: '2026-12-08T14:23:45.000Z',
        fromLocal: '2026-12-08T09:23:45-05:00',
        to: '2026-12-09T15:23:45.000Z',
        toLocal: '2026-12-09T10:23:45-05:00',
        reasons: ['public_holiday', 'contact_window', 'distinct_channels'],
        rules: ['CO:Ley 2300 de 2023 art. 3', 'CO:Ley 2300 de 2023 art. 3', 'CO:Ley 2300 de 2023 art. 3'],
        moves: [
          {
            at: '2026-12-08T14:23:45.000Z',
            local: '2026-12-08T09:23:45-05:00',
            movedTo: '2026-12-09T05:00:00.000Z',
            movedToLocal: '2026-12-09T00:00:00-05:00',
            reason: 'public_holiday',
            rule: 'CO:Ley 2300 de 2023 art. 3',
            detail: 'America/Bogota 2026-12-08',
          },
          {
            at: '2026-12-09T05:00:00.000Z',
            local: '2026-12-09T00:00:00-05:00',
            movedTo: '2026-12-09T12:23:45.000Z',
            movedToLocal: '2026-12-09T07:23:45-05:00',
            reason: 'contact_window',
            rule: 'CO:Ley 2300 de 2023 art. 3',
            detail: 'America/Bogota',
          },
          {
            at: '2026-12-09T12:23:45.000Z',
            local: '2026-12-09T07:23:45-05:00',
            movedTo: '2026-12-09T15:23:45.000Z',
            movedToLocal: '2026-12-09T10:23:45-05:00',
            reason: 'distinct_channels',
            rule: 'CO:Ley 2300 de 2023 art. 3',
            detail: 'America/Bogota max 1',
          },
        ],
      },
    ]);
  });

  it('sends the email at the move’s final instant', () => {
    expect(r.actions.find((a) => a.step === 'week-1-email')).toMatchObject({
      at: '2026-12-09T15:23:45.000Z',
      local: '2026-12-09T10:23:45-05:00',
      channel: 'email',
    });
  });
});

describe('preview: the agent’s calls', () => {
  it('shows when the agent task may call the debtor, in her local time', () => {
    const task = runPreview(scenario()).actions.find((a) => a.kind === 'agent_task')!;
    expect(task.call).toEqual({
      allowed: true,
      opensAt: task.at,
      opensLocal: task.local,
      closesAt: '2026-12-16T04:00:00.000Z',
      closesLocal: '2026-12-15T22:00:00-06:00',
    });
  });

  it('counts a reported call like a real one: in Colombia the week-1 email waits a week after it', () => {
    const withCall = runPreview({
      ...scenario({ account: camila(), until: '2026-12-20T00:00:00Z' }),
      events: [
        {
          type: 'agentCall',
          at: '2026-12-07T15:00:00Z',
          taskKey: 'callback',
          outcome: 'contacted',
          agentId: 'agente-7',
        },
      ],
    });
    const email = withCall.actions.find((a) => a.step === 'week-1-email')!;
    expect(email.at >= '2026-12-14T15:00:00.000Z').toBe(true);
    expect(withCall.moved.find((m) => m.step === 'week-1-email')?.reasons).toContain('distinct_channels');
  });
});

describe('preview: invalid input names the field', () => {
  it('names account.debtor.phone for a phone that is not E.164', () => {
    const s = scenario();
    const problems = problemsOf({
      ...s,
      account: { ...s.account, debtor: { ...s.account.debtor, phone: '55 1234 5678' } },
    });
    expect(problems).toEqual([expect.objectContaining({ field: 'account.debtor.phone' })]);
    expect(problems[0]!.message).toMatch(/E\.164/);
  });

  it('names account.debtor.jurisdiction for an unsupported country', () => {
    const s = scenario();
    const problems = problemsOf({
      ...s,
      account: { ...s.account, debtor: { ...s.account.debtor, jurisdiction: 'AR' } },
    });
    expect(problems).toEqual([{ field: 'account.debtor.jurisdiction', message: 'unsupported jurisdiction AR' }]);
  });

  it('names events[0].at for an event before startAt', () => {
    const problems = problemsOf(
      scenario({ events: [{ type: 'payment', at: '2026-11-01T00:00:00Z', paymentId: 'p', amountMinor: 1 }] })
    );
    expect(problems.map((p) => p.field)).toEqual(['events[0].at']);
  });

  it('names events[0].amountMinor for a negative payment', () => {
    const problems = problemsOf(
      scenario({ events: [{ type: 'payment', at: '2026-12-01T00:00:00Z', paymentId: 'p', amountMinor: -5 }] })
    );
    expect(problems.map((p) => p.field)).toEqual(['events[0].amountMinor']);
  });

  it('names until when it does not follow startAt, and account.dueDate for an impossible date', () => {
    expect(problemsOf(scenario({ until: '2026-11-01T00:00:00Z' })).map((p) => p.field)).toEqual(['until']);
    const s = scenario();
    expect(problemsOf({ ...s, account: { ...s.account, dueDate: '2026-02-30' } }).map((p) => p.field)).toEqual([
      'account.dueDate',
    ]);
  });
});
