import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { inputProblems } from '../../workflows/input-problems';
import { runPreview } from '../../workflows/preview';

const scenario = (over: Record<string, unknown> = {}) => ({
  account: {
    id: 'acc-ana-001',
    debtor: {
      name: 'Ana López',
      phone: '+5215512345678',
      email: 'ana.lopez@example.mx',
      timezone: 'America/Mexico_City',
      jurisdiction: 'MX',
      locale: 'es-MX',
    },
    balance: { amountMinor: 150_000, currency: 'MXN' },
    dueDate: '2026-12-01',
  },
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

  it('plans pre-due nudge, day-1 SMS, week-1 email quoting 100 000, the agent task, then the final notice', () => {
    expect(result.actions.map((a) => [a.step, a.kind, a.channel ?? null, a.amountMinor])).toEqual([
      ['pre-due-nudge', 'message', 'sms', 150_000],
      ['day-1-sms', 'message', 'sms', 150_000],
      ['week-1-email', 'message', 'email', 100_000],
      ['agent-task', 'agent_task', null, 100_000],
      ['final-notice', 'message', 'email', 100_000],
    ]);
  });

  it('spreads acc-ana-001 by 55 min 23 s: exact local times in America/Mexico_City', () => {
    expect(result.actions.map((a) => a.local)).toEqual([
      '2026-11-28T10:55:23-06:00',
      '2026-12-02T10:55:23-06:00',
      '2026-12-08T09:55:23-06:00',
      '2026-12-15T09:55:23-06:00',
      '2026-12-31T09:55:23-06:00',
    ]);
    expect(result.actions[0]!.at).toBe('2026-11-28T16:55:23.000Z');
  });

  it('ends exhausted with the lowered balance after the final notice, with nothing skipped', () => {
    expect(result.final).toEqual({ status: 'exhausted', balanceMinor: 100_000, stage: 'final-notice' });
    expect(result.skipped).toEqual([]);
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
    // usable channel, so each is skipped with a reason and only the agent task remains.
    expect(r.actions.map((a) => `${a.step}:${a.channel ?? 'task'}`)).toEqual([
      'pre-due-nudge:email',
      'agent-task:task',
    ]);
    expect(r.skipped.map((x) => `${x.step}:${x.reason}`)).toContain('day-1-sms:no_usable_channel');
    const reasons = r.skipped.map((x) => `${x.step}:${x.reason}`);
    expect(reasons).toContain('pre-due-nudge:channel_opted_out');
    expect(reasons).toContain('week-1-email:channel_failed');
    expect(reasons).toContain('week-1-email:no_usable_channel');
  });

  it('an email-only Madrid account records the missing SMS address and the weekend move with the rule that caused it', () => {
    const r = runPreview(
      scenario({
        account: {
          id: 'acc-es-lucia-001',
          debtor: {
            name: 'Lucía García',
            email: 'lucia@example.es',
            timezone: 'Europe/Madrid',
            jurisdiction: 'ES',
            locale: 'es-ES',
          },
          balance: { amountMinor: 32_050, currency: 'EUR' },
          dueDate: '2026-12-01',
        },
        events: [],
      })
    );
    const move = r.skipped.find((x) => x.reason === 'contact_window');
    expect(r.skipped[0]).toMatchObject({ step: 'pre-due-nudge', reason: 'channel_no_address', detail: 'sms' });
    expect(move).toMatchObject({
      step: 'pre-due-nudge',
      reason: 'contact_window',
      rule: 'ES:RDL 1/2007 art. 96.2',
    });
    expect(move!.at).toMatch(/^2026-11-28T09:/); // 10:00 Madrid + spread, a Saturday
    expect(r.actions[0]!.local.slice(0, 13)).toBe('2026-11-30T09');
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
