import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../workflows/engine/apply';
import { agreementProblem, promiseProblem } from '../../workflows/engine/commitment-rules';
import { apply } from '../../workflows/engine/apply';
import { next } from '../../workflows/engine/next';
import { jitterFor } from '../../workflows/engine/state';
import { statusOf } from '../../workflows/engine/status';
import { LadderSchema, defaultLadder } from '../../workflows/engine/ladder';
import {
  ana,
  camila,
  channelOf,
  drive,
  emily,
  joao,
  lucia,
  messages,
  ms,
  stateFor,
  wall,
  type DriveResult,
} from './fixtures';

const MX = 'America/Mexico_City';
const START = '2026-11-20T15:00:00Z';
const UNTIL = ms('2027-03-01T00:00:00Z');

const run = (events: EngineEvent[] = [], opts: Partial<Parameters<typeof drive>[1]> = {}, account = ana()) =>
  drive(stateFor(account, START), { from: ms(START), until: UNTIL, events, ...opts });

/** `step@YYYY-MM-DD HH:MM channel amount` in the debtor's zone, for readable timelines. */
const timeline = (r: DriveResult, zone = MX) =>
  r.executed.map((e) => {
    const w = wall(zone, e.at);
    const a = e.decision.action;
    return `${a.stepKey}@${w.date} ${w.hhmm} ${channelOf(a) ?? 'task'} ${a.amountMinor}`;
  });

const pay = (at: string, amountMinor: number, paymentId = `pay-${at}`): EngineEvent => ({
  type: 'payment',
  at: ms(at),
  paymentId,
  amountMinor,
});
const promise = (at: string, date: string, amountMinor: number, promiseId = 'p1'): EngineEvent => ({
  type: 'promise',
  at: ms(at),
  promiseId,
  date,
  amountMinor,
  agentId: 'agent-7',
});

// Ana's spread: the default ladder's 10:00 and 09:00 steps land at 10:MM and 09:MM local.
const anaJitterMin = Math.floor(jitterFor(ana().id) / 60_000);
const hh = (h: number) => `${String(h).padStart(2, '0')}:${String(anaJitterMin).padStart(2, '0')}`;

describe('the default ladder', () => {
  it('runs pre-due nudge, day-1 SMS, week-1 email, agent task and final notice for an unpaid account in Mexico City', () => {
    expect(timeline(run())).toEqual([
      `pre-due-nudge@2026-11-28 ${hh(10)} sms 150000`,
      `day-1-sms@2026-12-02 ${hh(10)} sms 150000`,
      `week-1-email@2026-12-08 ${hh(9)} email 150000`,
      `agent-task@2026-12-15 ${hh(9)} task 150000`,
      `final-notice@2026-12-31 ${hh(9)} email 150000`,
    ]);
  });

  it('then ends collection as exhausted at due + 45 days, with the reason recorded', () => {
    const r = run();
    expect(r.state.terminal).toBe('exhausted');
    expect(r.state.steps['ladder-end']).toMatchObject({ outcome: 'ended', reason: 'ladder_end_exhausted' });
    expect(wall(MX, r.state.steps['ladder-end']!.at).date).toBe('2027-01-15');
    expect(next(r.state, UNTIL)).toEqual({ type: 'done', status: 'exhausted' });
  });

  it('a ladder without an end step waits with ladder_exhausted, a machine-readable reason', () => {
    const ladder = LadderSchema.parse({ ...defaultLadder, steps: defaultLadder.steps.slice(0, 4) });
    const r = drive(stateFor(ana(), START, ladder), { from: ms(START), until: UNTIL });
    expect(r.state.terminal).toBeNull();
    expect(next(r.state, UNTIL)).toMatchObject({ type: 'wait', reason: { code: 'ladder_exhausted' } });
  });

  it('an end step handing the account to an agent creates a task, then sends nothing more: status with_agent', () => {
    const steps = defaultLadder.steps.map((st) => (st.kind === 'end' ? { ...st, outcome: 'agent' as const } : st));
    const ladder = LadderSchema.parse({ ...defaultLadder, steps });
    const r = drive(stateFor(ana(), START, ladder), { from: ms(START), until: UNTIL });
    expect(r.executed.map((e) => e.decision.action.stepKey).slice(-2)).toEqual(['final-notice', 'ladder-end']);
    expect(r.state.terminal).toBeNull();
    expect(statusOf(r.state, UNTIL)).toMatchObject({ status: 'with_agent', waitReason: { code: 'with_agent' } });
  });

  it('an account placed after its whole ladder gets a first message, and collection ends two weeks after it', () => {
    const start = '2027-02-10T18:00:00Z';
    const r = drive(stateFor(ana(), start), { from: ms(start), until: ms('2027-04-01T00:00:00Z') });
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual(['final-notice']);
    expect(r.state.terminal).toBe('exhausted');
    expect(r.state.steps['ladder-end']!.at).toBe(r.executed[0]!.at + 14 * 86_400_000);
  });

  it('fires each step at most once, however often next is asked', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 50_000), promise('2026-12-04T18:00:00Z', '2026-12-10', 20_000)]);
    const keys = r.executed.map((e) => e.decision.action.stepKey);
    expect(new Set(keys).size).toBe(keys.length);
    // Asked again at every turn, at that instant or later, `next` answers the same and never offers a step done.
    for (const { now, state, decision } of r.asked) {
      expect(next(state, now)).toEqual(decision);
      for (const later of [now, now + 3_600_000, now + 86_400_000, now + 30 * 86_400_000]) {
        const again = next(state, later);
        if (again.type === 'act') expect(state.steps[again.action.stepKey]).toBeUndefined();
      }
    }
  });

  it('gives every record a machine-readable reason', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 50_000), promise('2026-12-04T18:00:00Z', '2026-12-10', 20_000)]);
    for (const rec of r.records) expect(rec.reason).toMatch(/^[a-z0-9_]+$/);
  });

  it('an account started late fires only the current step; earlier ones are recorded as superseded', () => {
    const r = drive(stateFor(ana(), '2026-12-10T18:00:00Z'), { from: ms('2026-12-10T18:00:00Z'), until: UNTIL });
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual(['week-1-email', 'agent-task', 'final-notice']);
    expect(r.executed[0]!.at).toBe(ms('2026-12-10T18:00:00Z'));
    expect(r.state.steps['pre-due-nudge']).toMatchObject({ outcome: 'superseded' });
    expect(r.state.steps['day-1-sms']).toMatchObject({ outcome: 'superseded' });
    expect(r.records.filter((x) => x.reason === 'superseded').map((x) => x.step)).toEqual([
      'pre-due-nudge',
      'day-1-sms',
    ]);
  });

  it('an account placed 20 days late still gets a first message (the latest due one) before its agent task', () => {
    const start = '2026-12-21T18:00:00Z'; // due 2026-12-01: the week-1 email and the agent task are both due
    const r = drive(stateFor(ana(), start), { from: ms(start), until: ms('2026-12-25T00:00:00Z') });
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual(['week-1-email', 'agent-task']);
    expect(r.executed[0]!.decision.action).toMatchObject({ kind: 'message', channel: 'email' });
    expect(r.state.steps['day-1-sms']).toMatchObject({ outcome: 'superseded' });
  });

  it('an account placed 40 days late gets the final notice as its first message, the latest one due', () => {
    const start = '2027-01-10T18:00:00Z';
    const r = drive(stateFor(ana(), start), { from: ms(start), until: ms('2027-01-20T00:00:00Z') });
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual(['final-notice']);
    expect(r.state.steps['agent-task']).toMatchObject({ outcome: 'superseded' });
  });

  it('a pre-due nudge is never sent once the due date has passed: it is skipped as due_date_passed', () => {
    const start = '2026-12-02T14:00:00Z'; // 08:00 on 12-02 in Mexico City: due yesterday, day-1 SMS due at 10:MM
    const r = drive(stateFor(ana(), start), { from: ms(start), until: ms('2026-12-03T00:00:00Z') });
    expect(r.state.steps['pre-due-nudge']).toMatchObject({ outcome: 'skipped', reason: 'due_date_passed' });
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual(['day-1-sms']);
  });

  it('a late start outside the window waits for the next allowed instant instead of firing at once', () => {
    const start = '2026-12-10T05:00:00Z'; // 23:00 on 12-09 in Mexico City
    const r = drive(stateFor(ana(), start), { from: ms(start), until: UNTIL });
    expect(wall(MX, r.executed[0]!.at)).toMatchObject({ date: '2026-12-10', hhmm: hh(7) });
  });

  it('quotes the account currency-free minor units in every action: amountMinor is the balance at decision time', () => {
    const r = run([pay('2026-11-29T18:00:00Z', 1_000)]);
    expect(r.executed.map((e) => e.decision.action.amountMinor)).toEqual([150_000, 149_000, 149_000, 149_000, 149_000]);
  });
});

describe('payments', () => {
  it('a full payment ends all contact at once: paid, no further action', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 150_000)]);
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual(['pre-due-nudge', 'day-1-sms']);
    expect(r.state.terminal).toBe('paid');
    expect(next(r.state, UNTIL)).toEqual({ type: 'done', status: 'paid' });
  });

  it('an overpayment closes the account as overpaid: the excess is a credit, never a negative balance', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 200_000)]);
    expect(r.state).toMatchObject({ terminal: 'overpaid', balanceMinor: 0, creditMinor: 50_000, paidMinor: 200_000 });
    expect(r.records).toContainEqual(
      expect.objectContaining({ step: 'account', reason: 'overpaid', detail: 'overpaid' })
    );
  });

  it('money received after a paid account closed is kept as credit', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 150_000, 'a'), pay('2026-12-04T18:00:00Z', 20_000, 'b')]);
    expect(r.state).toMatchObject({ terminal: 'paid', balanceMinor: 0, creditMinor: 20_000 });
  });

  it('a partial payment lowers the amount the next messages quote, and the ladder goes on', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 50_000)]);
    expect(timeline(r).slice(2)).toEqual([
      `week-1-email@2026-12-08 ${hh(9)} email 100000`,
      `agent-task@2026-12-15 ${hh(9)} task 100000`,
      `final-notice@2026-12-31 ${hh(9)} email 100000`,
    ]);
  });

  it('a duplicate payment (same paymentId) is applied once and recorded as duplicate_payment', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 50_000, 'pay-1'), pay('2026-12-03T19:00:00Z', 50_000, 'pay-1')]);
    expect(r.state.balanceMinor).toBe(100_000);
    expect(r.records.find((x) => x.reason === 'duplicate_payment')).toMatchObject({
      step: 'payment',
      outcome: 'skipped',
    });
  });

  it('a payment arriving at the very instant of a reminder comes first and stops it', () => {
    const dayOne = run().executed[1]!.at;
    const r = run([{ type: 'payment', at: dayOne, paymentId: 'pay-x', amountMinor: 150_000 }]);
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual(['pre-due-nudge']);
  });

  it('money received after the account closed still lowers the balance', () => {
    const r = run([
      pay('2026-12-03T18:00:00Z', 150_000, 'a'),
      { type: 'cancel', at: ms('2026-12-01T00:00:00Z'), reason: 'other' },
    ]);
    expect(r.state).toMatchObject({ terminal: 'cancelled', balanceMinor: 0 });
    expect(r.records.some((x) => x.reason === 'payment_after_close')).toBe(true);
  });
});

describe('cancel, cease and opt-out', () => {
  it('a cancel ends all contact with a reason naming why', () => {
    const r = run([{ type: 'cancel', at: ms('2026-11-30T00:00:00Z'), reason: 'write_off' }]);
    expect(r.executed).toHaveLength(1);
    expect(r.state.terminal).toBe('cancelled');
    expect(r.records.find((x) => x.step === 'account')).toMatchObject({ reason: 'cancelled_write_off' });
  });

  it('an opt-out of SMS sends the later steps by email, and records the skipped channel', () => {
    const r = run([
      { type: 'optOut', at: ms('2026-11-21T00:00:00Z'), channel: 'sms', source: 'keyword', keyword: 'ALTO' },
    ]);
    const first = r.executed[0]!.decision;
    expect(first.action).toMatchObject({ stepKey: 'pre-due-nudge', channel: 'email', to: 'ana.lopez@example.mx' });
    expect(first.notes).toContainEqual(expect.objectContaining({ reason: 'channel_opted_out', detail: 'sms' }));
    expect(messages(r).every((e) => channelOf(e.decision.action) !== 'sms')).toBe(true);
  });

  it('an SMS opt-out also retires WhatsApp on the same phone number, so the day-1 step goes by email', () => {
    const r = run([{ type: 'optOut', at: ms('2026-11-21T00:00:00Z'), channel: 'sms', source: 'keyword' }]);
    expect(r.state.channels.whatsapp).toBe('opted_out');
    expect(r.executed[1]!.decision.action).toMatchObject({ stepKey: 'day-1-sms', channel: 'email' });
  });

  it('an SMS opt-out leaves WhatsApp available when the debtor gave a separate WhatsApp number', () => {
    const base = ana();
    const r = run(
      [{ type: 'optOut', at: ms('2026-11-21T00:00:00Z'), channel: 'sms', source: 'keyword' }],
      {},
      {
        ...base,
        debtor: { ...base.debtor, whatsapp: '+5215598765432' },
      }
    );
    expect(r.executed[1]!.decision.action).toMatchObject({
      stepKey: 'day-1-sms',
      channel: 'whatsapp',
      to: '+5215598765432',
    });
  });

  it('a cease-communication request (opt-out of all) stops every message; the ladder waits with its reason', () => {
    const r = run([{ type: 'optOut', at: ms('2026-11-29T00:00:00Z'), channel: 'all', source: 'agent' }]);
    expect(r.executed).toHaveLength(1);
    expect(next(r.state, UNTIL)).toMatchObject({ type: 'wait', reason: { code: 'cease_communication' } });
    expect(statusOf(r.state, UNTIL).status).toBe('ceased');
  });

  it('a step with no usable channel is skipped with the reason no_usable_channel', () => {
    const r = run([
      { type: 'optOut', at: ms('2026-11-21T00:00:00Z'), channel: 'sms', source: 'keyword' },
      { type: 'optOut', at: ms('2026-11-21T00:00:00Z'), channel: 'email', source: 'link' },
    ]);
    expect(r.state.steps['pre-due-nudge']).toMatchObject({ outcome: 'skipped', reason: 'no_usable_channel' });
  });
});

describe('channel failures', () => {
  it('a permanently failed SMS falls back to the step’s next channel and SMS is not used again', () => {
    const r = run([], {
      outcome: (d) => (channelOf(d.action) === 'sms' ? { permanent: true, reason: 'invalid_address' } : 'ok'),
    });
    expect(r.executed.map((e) => `${e.decision.action.stepKey}:${channelOf(e.decision.action) ?? 'task'}`)).toEqual([
      'pre-due-nudge:email',
      'day-1-sms:email',
      'week-1-email:email',
      'agent-task:task',
      'final-notice:email',
    ]);
    expect(r.state.channels.sms).toBe('failed');
  });

  it('a number that does not exist retires WhatsApp on the same number too', () => {
    const r = run([], {
      outcome: (d) => (channelOf(d.action) === 'sms' ? { permanent: true, reason: 'invalid_address' } : 'ok'),
    });
    expect(r.state.channels).toMatchObject({ sms: 'failed', whatsapp: 'failed', email: 'available' });
  });

  it('a WhatsApp-only failure (no approved template, not on WhatsApp) leaves SMS on the same number available', () => {
    const whatsappFirst = LadderSchema.parse({
      ...defaultLadder,
      steps: defaultLadder.steps.map((step) =>
        step.kind === 'message' ? { ...step, channels: ['whatsapp', 'sms', 'email'] } : step
      ),
    });
    for (const reason of ['misconfigured', 'unreachable']) {
      const r = drive(stateFor(ana(), START, whatsappFirst), {
        from: ms(START),
        until: UNTIL,
        outcome: (d) => (channelOf(d.action) === 'whatsapp' ? { permanent: true, reason } : 'ok'),
      });
      expect(r.state.channels).toMatchObject({ whatsapp: 'failed', sms: 'available' });
      // The nudge failed on WhatsApp and went out by SMS, to the same number.
      const nudges = r.executed.filter((e) => e.decision.action.stepKey === 'pre-due-nudge');
      expect(nudges.map((e) => e.decision.action)).toEqual([
        expect.objectContaining({ kind: 'message', channel: 'sms', to: '+5215512345678' }),
      ]);
      expect(r.records).toContainEqual(
        expect.objectContaining({ step: 'pre-due-nudge', reason: 'channel_failed', detail: 'whatsapp' })
      );
    }
  });

  it('a permanent bounce reported after the send re-sends the step on its next channel', () => {
    const first = run().executed[0]!;
    const r = run([
      {
        type: 'deliveryStatus',
        at: first.at + 60_000,
        channel: 'sms',
        providerMessageId: 'msg-1',
        status: 'failed',
        permanent: true,
      },
    ]);
    const nudges = r.executed.filter((e) => e.decision.action.stepKey === 'pre-due-nudge');
    expect(nudges.map((e) => channelOf(e.decision.action))).toEqual(['sms', 'email']);
    expect(r.records.some((x) => x.reason === 'channel_fallback')).toBe(true);
  });

  it('a temporary delivery failure keeps the channel', () => {
    const first = run().executed[0]!;
    const r = run([
      {
        type: 'deliveryStatus',
        at: first.at + 60_000,
        channel: 'sms',
        providerMessageId: 'msg-1',
        status: 'failed',
        permanent: false,
      },
    ]);
    expect(r.state.channels.sms).toBe('available');
    expect(r.records.some((x) => x.reason === 'delivery_failed_temporarily')).toBe(true);
  });

  it('a send whose outcome is unknown ends the step on that channel: no fallback, send_outcome_unknown recorded, ladder goes on', () => {
    const r = run([], {
      outcome: (d) =>
        d.action.stepKey === 'pre-due-nudge' ? { permanent: false, reason: 'send_outcome_unknown' } : 'ok',
    });
    expect(r.executed.map((e) => `${e.decision.action.stepKey}:${channelOf(e.decision.action) ?? 'task'}`)).toEqual([
      'day-1-sms:sms',
      'week-1-email:email',
      'agent-task:task',
      'final-notice:email',
    ]);
    // The only channel the step was ever planned on is SMS: email was never offered as a fallback.
    const nudgeChannels = new Set(
      r.asked.flatMap((a) =>
        a.decision.type === 'act' && a.decision.action.stepKey === 'pre-due-nudge' ? [channelOf(a.decision.action)] : []
      )
    );
    expect([...nudgeChannels]).toEqual(['sms']);
    expect(r.records).toContainEqual(
      expect.objectContaining({
        step: 'pre-due-nudge',
        outcome: 'skipped',
        reason: 'send_outcome_unknown',
        detail: 'sms',
      })
    );
    expect(r.state.steps['pre-due-nudge']).toMatchObject({ outcome: 'failed', reason: 'send_outcome_unknown' });
    expect(r.state.channels.sms).toBe('available');
    expect(r.state.contacts[0]).toMatchObject({ stepKey: 'pre-due-nudge', channel: 'sms', status: 'unknown' });
  });

  it('a duplicated delivery callback changes nothing twice', () => {
    const first = run().executed[0]!;
    const cb: EngineEvent = {
      type: 'deliveryStatus',
      at: first.at + 60_000,
      channel: 'sms',
      providerMessageId: 'msg-1',
      status: 'delivered',
      permanent: false,
    };
    const r = run([cb, { ...cb, at: cb.at + 1 }]);
    expect(r.records.filter((x) => x.reason === 'duplicate_delivery_status')).toHaveLength(1);
  });
});

describe('promises to pay', () => {
  it('a promise pauses the ladder, reminds the day before and checks at promised date + grace', () => {
    const r = run([pay('2026-12-03T18:00:00Z', 50_000), promise('2026-12-04T18:00:00Z', '2026-12-10', 50_000)]);
    const t = timeline(r);
    expect(t.slice(2, 3)).toEqual([`promise-reminder:p1@2026-12-09 ${hh(10)} sms 50000`]);
    expect(r.state.steps['promise-check:p1']).toMatchObject({ outcome: 'checked', reason: 'promise_broken' });
    expect(wall(MX, r.state.steps['promise-check:p1']!.at)).toMatchObject({ date: '2026-12-12', hhmm: hh(9) });
  });

  it('a broken promise creates an agent task at once and the ladder resumes where it paused', () => {
    const r = run([promise('2026-12-04T18:00:00Z', '2026-12-10', 50_000)]);
    // Paused 12-04, resumed 12-12: 8 days; week-1 (12-08) moves to 12-16, agent-task (12-15) to 12-23.
    expect(timeline(r).slice(2)).toEqual([
      `promise-reminder:p1@2026-12-09 ${hh(10)} sms 50000`,
      `promise-broken:p1@2026-12-12 ${hh(9)} task 150000`,
      `week-1-email@2026-12-16 ${hh(9)} email 150000`,
      `agent-task@2026-12-23 ${hh(9)} task 150000`,
      `final-notice@2027-01-08 ${hh(9)} email 150000`,
    ]);
    expect(r.state.promises[0]).toMatchObject({ status: 'broken' });
  });

  it('a kept promise continues the ladder for the rest, quoting the lower balance', () => {
    const r = run([promise('2026-12-04T18:00:00Z', '2026-12-10', 50_000), pay('2026-12-10T17:00:00Z', 50_000)]);
    expect(timeline(r).slice(3)).toEqual([
      `week-1-email@2026-12-16 ${hh(9)} email 100000`,
      `agent-task@2026-12-23 ${hh(9)} task 100000`,
      `final-notice@2027-01-08 ${hh(9)} email 100000`,
    ]);
    expect(r.state.promises[0]).toMatchObject({ status: 'kept' });
  });

  it('a promise for the full balance that is paid closes the account without a follow-up task', () => {
    const r = run([promise('2026-12-04T18:00:00Z', '2026-12-10', 150_000), pay('2026-12-10T17:00:00Z', 150_000)]);
    expect(r.state.terminal).toBe('paid');
    expect(r.executed.map((e) => e.decision.action.stepKey)).toEqual([
      'pre-due-nudge',
      'day-1-sms',
      'promise-reminder:p1',
    ]);
  });

  it('a promise paid in full records the promise kept as the account closes, never left open', () => {
    const r = run([promise('2026-12-04T18:00:00Z', '2026-12-10', 150_000), pay('2026-12-06T17:00:00Z', 150_000)]);
    expect(r.state.terminal).toBe('paid');
    expect(r.state.promises).toMatchObject([{ promiseId: 'p1', status: 'kept' }]);
    expect(r.state.promise).toBeNull();
  });

  it('an open promise is recorded cancelled when the account is cancelled', () => {
    const r = run([
      promise('2026-12-04T18:00:00Z', '2026-12-10', 150_000),
      { type: 'cancel', at: ms('2026-12-05T18:00:00Z'), reason: 'settled_elsewhere' },
    ]);
    expect(r.state.promises).toMatchObject([{ promiseId: 'p1', status: 'cancelled' }]);
  });

  it('a promise already paid before the reminder skips it as already_paid and is checked kept', () => {
    const r = run([promise('2026-12-04T18:00:00Z', '2026-12-10', 50_000), pay('2026-12-05T17:00:00Z', 50_000)]);
    expect(r.state.steps['promise-reminder:p1']).toMatchObject({ outcome: 'skipped', reason: 'already_paid' });
    expect(r.state.promises[0]).toMatchObject({ status: 'kept' });
  });

  it('a promise made too late for its reminder skips it with too_late_for_reminder but is still followed up', () => {
    const r = run([promise('2026-12-09T20:00:00Z', '2026-12-10', 50_000)]);
    expect(r.state.steps['promise-reminder:p1']).toMatchObject({ outcome: 'skipped', reason: 'too_late_for_reminder' });
    expect(r.state.steps['promise-check:p1']).toMatchObject({ outcome: 'checked' });
  });

  it('within the kept tolerance a short payment keeps the promise; below it the promise is broken', () => {
    const ladder = LadderSchema.parse({
      ...defaultLadder,
      promise: { ...defaultLadder.promise, keptTolerancePercent: 10 },
    });
    const go = (paid: number) =>
      drive(stateFor(ana(), START, ladder), {
        from: ms(START),
        until: UNTIL,
        events: [promise('2026-12-04T18:00:00Z', '2026-12-10', 50_000), pay('2026-12-10T17:00:00Z', paid)],
      }).state.promises[0]!.status;
    expect(go(45_000)).toBe('kept');
    expect(go(44_999)).toBe('broken');
  });

  it('an invalid promise (date in the past) is rejected and recorded, and the ladder is not paused', () => {
    const r = run([promise('2026-12-04T18:00:00Z', '2026-12-01', 50_000)]);
    expect(r.state.mode).toBe('ladder');
    expect(r.state.rejected[0]).toMatchObject({ signal: 'promiseToPay' });
    expect(r.state.rejected[0]!.problem).toMatch(/in the past/);
    expect(r.records).toContainEqual(expect.objectContaining({ outcome: 'rejected', reason: 'invalid_signal' }));
  });

  it('promiseProblem names the horizon and the balance', () => {
    const s = stateFor(ana(), START);
    const now = ms('2026-12-04T18:00:00Z');
    expect(promiseProblem(s, { date: '2027-02-01', amountMinor: 1, agentId: 'a' }, now)).toMatch(/45-day horizon/);
    expect(promiseProblem(s, { date: '2026-12-10', amountMinor: 150_001, agentId: 'a' }, now)).toMatch(
      /exceeds the balance/
    );
    expect(promiseProblem(s, { date: '2026-12-10', amountMinor: 150_000, agentId: 'a' }, now)).toBeNull();
  });

  it('a new promise replaces the open one, which is recorded as cancelled', () => {
    const r = run([
      promise('2026-12-04T18:00:00Z', '2026-12-10', 50_000, 'p1'),
      promise('2026-12-05T18:00:00Z', '2026-12-12', 60_000, 'p2'),
    ]);
    expect(r.state.promises.map((p) => `${p.promiseId}:${p.status}`)).toEqual(['p1:cancelled', 'p2:broken']);
  });
});

describe('payment agreements', () => {
  const agreement = (at: string, installments: { dueDate: string; amountMinor: number }[]): EngineEvent => ({
    type: 'agreement',
    at: ms(at),
    agreementId: 'ag1',
    installments,
    agentId: 'agent-7',
  });
  const plan = [
    { dueDate: '2026-12-10', amountMinor: 40_000 },
    { dueDate: '2026-12-20', amountMinor: 40_000 },
    { dueDate: '2026-12-30', amountMinor: 40_000 },
  ];

  it('replaces the ladder by its installments: a reminder before each; all kept settles the account', () => {
    const r = run([
      agreement('2026-12-04T18:00:00Z', plan),
      pay('2026-12-10T17:00:00Z', 40_000),
      pay('2026-12-20T17:00:00Z', 40_000),
      pay('2026-12-30T17:00:00Z', 40_000),
    ]);
    expect(timeline(r).slice(2)).toEqual([
      `installment-reminder:ag1:1@2026-12-08 ${hh(10)} sms 40000`,
      `installment-reminder:ag1:2@2026-12-18 ${hh(10)} sms 40000`,
      `installment-reminder:ag1:3@2026-12-28 ${hh(10)} sms 40000`,
    ]);
    expect(r.state.terminal).toBe('settled');
    expect(r.state.agreement).toMatchObject({ status: 'completed' });
    expect(r.state.balanceMinor).toBe(30_000);
  });

  it('an installment missed past grace breaks the agreement: agent task, then the ladder resumes where it paused', () => {
    const r = run([agreement('2026-12-04T18:00:00Z', plan), pay('2026-12-10T17:00:00Z', 40_000)]);
    // Paused 12-04, broken at the check 12-20 + 3 days = 12-23: 19 days; week-1 12-08 → 12-27, agent-task → 2027-01-03.
    expect(timeline(r).slice(4)).toEqual([
      `agreement-broken:ag1@2026-12-23 ${hh(9)} task 110000`,
      `week-1-email@2026-12-27 ${hh(9)} email 110000`,
      `agent-task@2027-01-03 ${hh(9)} task 110000`,
      `final-notice@2027-01-19 ${hh(9)} email 110000`,
    ]);
    expect(r.state.agreement!.installments.map((i) => i.status)).toEqual(['kept', 'missed', 'pending']);
  });

  it('a second agreement while one is active is refused; an agreement above the balance too', () => {
    const s = apply(stateFor(ana(), START), agreement('2026-12-04T18:00:00Z', plan)).state;
    expect(agreementProblem(s, { installments: plan, agentId: 'a' }, ms('2026-12-05T00:00:00Z'))).toMatch(
      /already active/
    );
    expect(
      agreementProblem(
        stateFor(ana(), START),
        { installments: [{ dueDate: '2026-12-10', amountMinor: 150_001 }], agentId: 'a' },
        ms(START)
      )
    ).toMatch(/exceeds the balance/);
  });
});

describe('disputes', () => {
  it('nothing is sent while a dispute is open; the wait names the reason', () => {
    const r = run([{ type: 'disputeOpened', at: ms('2026-11-29T00:00:00Z'), disputeId: 'd1' }]);
    expect(r.executed).toHaveLength(1);
    expect(next(r.state, UNTIL)).toMatchObject({ type: 'wait', reason: { code: 'dispute_open' } });
    expect(statusOf(r.state, UNTIL).status).toBe('disputed');
  });

  it('a dispute rejected resumes the ladder where it paused, shifted by the days it stood still', () => {
    const r = run([
      { type: 'disputeOpened', at: ms('2026-12-03T18:00:00Z') },
      { type: 'disputeResolved', at: ms('2026-12-13T18:00:00Z'), outcome: 'rejected' },
    ]);
    expect(timeline(r).slice(2)).toEqual([
      `week-1-email@2026-12-18 ${hh(9)} email 150000`,
      `agent-task@2026-12-25 ${hh(9)} task 150000`,
      `final-notice@2027-01-10 ${hh(9)} email 150000`,
    ]);
  });

  it('a dispute upheld ends collection', () => {
    const r = run([
      { type: 'disputeOpened', at: ms('2026-12-03T18:00:00Z') },
      { type: 'disputeResolved', at: ms('2026-12-05T18:00:00Z'), outcome: 'upheld' },
    ]);
    expect(r.state.terminal).toBe('dispute_upheld');
    expect(r.executed).toHaveLength(2);
  });

  it('a promise cannot be recorded while a dispute is open', () => {
    const r = run([
      { type: 'disputeOpened', at: ms('2026-12-03T18:00:00Z') },
      promise('2026-12-04T18:00:00Z', '2026-12-10', 1),
    ]);
    expect(r.state.rejected[0]!.problem).toBe('a dispute is open');
  });

  it('a promise whose follow-up falls inside a dispute is still followed up once the dispute is rejected', () => {
    const r = run([
      promise('2026-12-04T18:00:00Z', '2026-12-10', 50_000),
      { type: 'disputeOpened', at: ms('2026-12-11T18:00:00Z') },
      { type: 'disputeResolved', at: ms('2026-12-20T18:00:00Z'), outcome: 'rejected' },
    ]);
    expect(r.state.steps['promise-check:p1']).toMatchObject({ outcome: 'checked' });
    expect(r.state.steps['promise-check:p1']!.at).toBe(ms('2026-12-20T18:00:00Z'));
  });
});

describe('each jurisdiction through the whole ladder', () => {
  it('Camila Restrepo in Bogotá: the week-1 email waits 7 days after the day-1 SMS (one channel per week, Ley 2300)', () => {
    const r = run([], {}, camila());
    const sms = r.executed.find((e) => e.decision.action.stepKey === 'day-1-sms')!;
    const email = r.executed.find((e) => e.decision.action.stepKey === 'week-1-email')!;
    expect(email.at).toBe(sms.at + 7 * 86_400_000);
    expect(email.decision.notes).toContainEqual(
      expect.objectContaining({ outcome: 'moved', reason: 'distinct_channels', rule: 'CO:Ley 2300 de 2023 art. 3' })
    );
  });

  it('Camila Restrepo: the pre-due nudge due Saturday 2026-11-28 at 10:00 goes out then (Saturday window 08–15)', () => {
    const r = run([], {}, camila());
    expect(wall('America/Bogota', r.executed[0]!.at)).toMatchObject({ date: '2026-11-28', weekday: 6 });
  });

  it('João Silva in São Paulo: the Saturday pre-due nudge at 10:00 is inside the short Saturday (08–14)', () => {
    const r = run([], {}, joao());
    expect(wall('America/Sao_Paulo', r.executed[0]!.at)).toMatchObject({ date: '2026-11-28', weekday: 6 });
  });

  it('Lucía García in Madrid: the pre-due nudge due Saturday 2026-11-28 moves to Monday 09:00 + spread', () => {
    const r = run([], {}, lucia());
    const first = r.executed[0]!;
    const j = Math.floor(jitterFor(lucia().id) / 60_000);
    expect(wall('Europe/Madrid', first.at)).toMatchObject({
      date: '2026-11-30',
      hhmm: `09:${String(j).padStart(2, '0')}`,
    });
    expect(first.decision.notes[0]).toMatchObject({ reason: 'contact_window', rule: 'ES:RDL 1/2007 art. 96.2' });
  });

  it('Lucía García: the week-1 email due on the Día de la Inmaculada (2026-12-08) moves to 2026-12-09', () => {
    const r = run([], {}, lucia());
    const wk = r.executed.find((e) => e.decision.action.stepKey === 'week-1-email')!;
    expect(wall('Europe/Madrid', wk.at).date).toBe('2026-12-09');
    expect(wk.decision.notes).toContainEqual(
      expect.objectContaining({ reason: 'public_holiday', detail: 'Europe/Madrid 2026-12-08' })
    );
  });

  it('Emily Carter in Massachusetts: five steps, each inside 08:00–21:00 Eastern', () => {
    const r = run([], {}, emily('US-MA'));
    expect(r.executed).toHaveLength(5);
    for (const e of messages(r)) {
      const m = wall('America/New_York', e.at).minuteOfDay;
      expect(m).toBeGreaterThanOrEqual(8 * 60);
      expect(m).toBeLessThan(21 * 60);
    }
  });

  it('Emily Carter in Florida: statusOf explains a wait for quiet hours in her zone', () => {
    const s = stateFor(emily('US-FL'), START);
    const st = statusOf(s, ms('2026-11-28T02:00:00Z'));
    expect(st.nextAction).toMatchObject({ step: 'pre-due-nudge', channel: 'sms' });
    expect(st.waitReason).toMatchObject({ code: 'scheduled' });
  });

  it('Ana López placed at 03:00 in Mexico City: statusOf names the rule that moved her day-1 SMS and when it goes', () => {
    const s = stateFor(ana(), '2026-12-03T09:00:00Z');
    const st = statusOf(s, ms('2026-12-03T09:00:00Z'));
    expect(st.nextAction).toMatchObject({ step: 'day-1-sms', local: '2026-12-03T07:51:01-06:00' });
    expect(st.waitReason).toEqual({
      code: 'scheduled',
      detail: 'day-1 SMS: waiting for quiet hours to end in America/Mexico_City',
      until: '2026-12-03T13:51:01.000Z',
      rule: 'MX:CONDUSEF despachos de cobranza (DOF 2014-10-07)',
    });
  });
});

describe('delivery callbacks and caps', () => {
  const NY = 'America/New_York';
  const promiseEv = promise('2026-12-03T15:00:00Z', '2026-12-05', 20_000);

  it('MA: a third SMS in 7 days (the promise reminder) waits for 940 CMR 7.04(1)(f)', () => {
    const r = run([promiseEv], {}, emily('US-MA'));
    const reminder = r.executed.find((e) => e.decision.action.stepKey === 'promise-reminder:p1')!;
    expect(wall(NY, reminder.at).date).toBe('2026-12-05');
    expect(reminder.decision.notes).toContainEqual(expect.objectContaining({ rule: 'US-MA:940 CMR 7.04(1)(f)' }));
  });

  it('MA: an SMS that failed only temporarily still counts towards the cap, so the third SMS still waits', () => {
    const first = run([], {}, emily('US-MA')).executed[0]!;
    const undelivered: EngineEvent = {
      type: 'deliveryStatus',
      at: first.at + 5 * 60_000,
      channel: 'sms',
      providerMessageId: 'msg-1',
      status: 'failed',
      permanent: false,
      errorCode: '30003',
    };
    const r = run([undelivered, promiseEv], {}, emily('US-MA'));
    const reminder = r.executed.find((e) => e.decision.action.stepKey === 'promise-reminder:p1')!;
    expect(wall(NY, reminder.at).date).toBe('2026-12-05');
  });

  it('MA: an SMS whose outcome is unknown counts towards the cap, since it may have gone out', () => {
    const r = run(
      [promiseEv],
      {
        outcome: (d) =>
          d.action.stepKey === 'pre-due-nudge' ? { permanent: false, reason: 'send_outcome_unknown' } : 'ok',
      },
      emily('US-MA')
    );
    const reminder = r.executed.find((e) => e.decision.action.stepKey === 'promise-reminder:p1')!;
    expect(wall(NY, reminder.at).date).toBe('2026-12-05');
    expect(reminder.decision.notes).toContainEqual(expect.objectContaining({ rule: 'US-MA:940 CMR 7.04(1)(f)' }));
  });

  it('a late "delivered" callback does not revive a message that failed permanently', () => {
    const first = run().executed[0]!;
    const at = first.at + 60_000;
    const r = run([
      { type: 'deliveryStatus', at, channel: 'sms', providerMessageId: 'msg-1', status: 'failed', permanent: true },
      {
        type: 'deliveryStatus',
        at: at + 60_000,
        channel: 'sms',
        providerMessageId: 'msg-1',
        status: 'delivered',
        permanent: false,
      },
    ]);
    expect(r.state.contacts[0]).toMatchObject({ providerMessageId: 'msg-1', status: 'failed' });
  });
});
