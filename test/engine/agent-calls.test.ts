import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../workflows/engine/apply';
import { apply } from '../../workflows/engine/apply';
import { callPermission, next } from '../../workflows/engine/next';
import { camila, drive, emily, ms, stateFor, wall } from './fixtures';

const BOGOTA = 'America/Bogota';
const NEW_YORK = 'America/New_York';

const call = (at: string, outcome: Extract<EngineEvent, { type: 'agentContact' }>['outcome']): EngineEvent => ({
  type: 'agentContact',
  at: ms(at),
  taskKey: 'agent-task',
  outcome,
  agentId: 'agente-7',
});

describe('the agent task carries when the debtor may be called', () => {
  it('Camila’s agent task opens its call window a week after her last message, until 19:00 (Ley 2300: one channel a week)', () => {
    const r = drive(stateFor(camila(), '2026-11-20T15:00:00Z'), {
      from: ms('2026-11-20T15:00:00Z'),
      until: ms('2026-12-16T00:00:00Z'),
    });
    const lastMessage = r.state.contacts[r.state.contacts.length - 1]!;
    const task = r.executed.find((e) => e.decision.action.kind === 'agent_task')!.decision.action;
    if (task.kind !== 'agent_task' || !task.call.allowed)
      throw new Error(`expected a call window, got ${JSON.stringify(task)}`);
    expect(task.call.opensAt).toBe(lastMessage.at + 7 * 86_400_000);
    expect(task.call.moves).toContainEqual({ reason: 'distinct_channels', rule: 'CO:Ley 2300 de 2023 art. 3' });
    expect(wall(BOGOTA, task.call.closesAt).hhmm).toBe('19:00');
    expect(wall(BOGOTA, task.call.closesAt).date).toBe(wall(BOGOTA, task.call.opensAt).date);
  });

  it('on a day a text already went out in the US, the window opens at 08:00 the next morning (product policy)', () => {
    const s = stateFor(emily('US'), '2026-12-02T14:00:00Z');
    const texted = {
      ...s,
      contacts: [
        { at: ms('2026-12-02T15:00:00Z'), stepKey: 'day-1-sms', channel: 'sms' as const, status: 'sent' as const },
      ],
    };
    const p = callPermission(texted, ms('2026-12-02T16:00:00Z'));
    if (!p.allowed) throw new Error('expected a window');
    expect(wall(NEW_YORK, p.opensAt)).toMatchObject({ date: '2026-12-03', hhmm: '08:00' });
    expect(wall(NEW_YORK, p.closesAt)).toMatchObject({ date: '2026-12-03', hhmm: '21:00' });
    expect(p.moves).toContainEqual({ reason: 'frequency_cap', rule: 'COBRANZA:policy one contact per local day' });
  });

  it('says why no call may be made while a cease-communication request stands', () => {
    const s = apply(stateFor(emily('US-MA'), '2026-12-02T14:00:00Z'), {
      type: 'optOut',
      at: ms('2026-12-02T14:00:00Z'),
      channel: 'all',
      source: 'letter',
    }).state;
    expect(callPermission(s, ms('2026-12-02T15:00:00Z'))).toEqual({ allowed: false, reason: 'cease_communication' });
  });

  it('an opt-out of calls alone blocks calls but not texts', () => {
    const s = apply(stateFor(emily('US-MA'), '2026-12-02T14:00:00Z'), {
      type: 'optOut',
      at: ms('2026-12-02T14:00:00Z'),
      channel: 'call',
      source: 'phone',
    }).state;
    expect(callPermission(s, ms('2026-12-02T15:00:00Z'))).toEqual({ allowed: false, reason: 'call_opted_out' });
    expect(s.channels.sms).toBe('available');
  });
});

describe('what the agent reports feeds back into the contact rules', () => {
  it('a call in Colombia holds every other channel for a week: the day-1 SMS due that day waits (one channel a week)', () => {
    const start = '2026-12-02T13:00:00Z'; // 08:00 in Bogotá; the day-1 SMS is due at 10:MM
    const s = apply(stateFor(camila(), start), call('2026-12-02T13:30:00Z', 'no_answer')).state;
    const decision = next(s, ms('2026-12-02T16:00:00Z'));
    if (decision.type !== 'act') throw new Error('expected an action');
    expect(decision.action.stepKey).toBe('day-1-sms');
    expect(decision.at).toBeGreaterThanOrEqual(ms('2026-12-09T13:30:00Z'));
    expect(decision.notes).toContainEqual(
      expect.objectContaining({ reason: 'distinct_channels', rule: 'CO:Ley 2300 de 2023 art. 3' })
    );
  });

  it('a second call the same day in Colombia waits for the next morning (one contact a day)', () => {
    const s = apply(stateFor(camila(), '2026-12-02T13:00:00Z'), call('2026-12-02T13:30:00Z', 'no_answer')).state;
    const p = callPermission(s, ms('2026-12-02T15:00:00Z'));
    if (!p.allowed) throw new Error('expected a window');
    expect(wall(BOGOTA, p.opensAt)).toMatchObject({ date: '2026-12-03', hhmm: '07:00' });
    expect(p.moves).toContainEqual({ reason: 'frequency_cap', rule: 'CO:Ley 2300 de 2023 art. 3' });
  });

  it('a US conversation keeps the next call seven days away (12 CFR 1006.14(b)(2)(ii))', () => {
    const s = apply(stateFor(emily('US'), '2026-12-02T14:00:00Z'), call('2026-12-02T15:00:00Z', 'refused')).state;
    const p = callPermission(s, ms('2026-12-03T15:00:00Z'));
    if (!p.allowed) throw new Error('expected a window');
    expect(wall(NEW_YORK, p.opensAt).date).toBe('2026-12-09');
    expect(p.moves).toContainEqual({ reason: 'frequency_cap', rule: 'US:12 CFR 1006.14(b)(2)(ii)' });
  });

  it('a wrong number retires SMS, WhatsApp and calls on that number; email stays', () => {
    const s = apply(stateFor(camila(), '2026-12-02T14:00:00Z'), call('2026-12-02T15:00:00Z', 'wrong_number')).state;
    expect(s.channels).toEqual({ sms: 'failed', whatsapp: 'failed', email: 'available', call: 'failed' });
  });

  it('a call the debtor disputes opens a dispute: no message goes out while it is open', () => {
    const s = apply(stateFor(camila(), '2026-12-02T14:00:00Z'), call('2026-12-02T15:00:00Z', 'disputed')).state;
    expect(s.dispute.open).toBe(true);
    expect(next(s, ms('2026-12-05T15:00:00Z'))).toMatchObject({ type: 'wait', reason: { code: 'dispute_open' } });
  });

  it('records every reported call with its outcome and the agent, and `other` as a note that counts nothing', () => {
    const reported = apply(stateFor(camila(), '2026-12-02T14:00:00Z'), call('2026-12-02T15:00:00Z', 'contacted'));
    expect(reported.records).toContainEqual(
      expect.objectContaining({ step: 'agent-task', reason: 'call_contacted', detail: 'by agente-7, conversation' })
    );
    expect(reported.state.contacts).toEqual([
      { at: ms('2026-12-02T15:00:00Z'), stepKey: 'agent-task', channel: 'call', status: 'sent', conversation: true },
    ]);
    const note = apply(stateFor(camila(), '2026-12-02T14:00:00Z'), call('2026-12-02T15:00:00Z', 'other'));
    expect(note.state.contacts).toEqual([]);
  });

  it('a completion reported twice (a retry after a lost answer) counts the call once', () => {
    const report = { ...call('2026-12-02T15:00:00Z', 'no_answer'), taskId: 'task-77' } as EngineEvent;
    const once = apply(stateFor(camila(), '2026-12-02T14:00:00Z'), report).state;
    const twice = apply(once, { ...report, at: ms('2026-12-02T15:05:00Z') });
    expect(twice.state.contacts).toHaveLength(1);
    expect(twice.records).toContainEqual(expect.objectContaining({ reason: 'duplicate_call_report' }));
  });
});
