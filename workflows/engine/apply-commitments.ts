import { agreementProblem, installmentVerdict, promiseKept, promiseProblem } from './commitment-rules';
import type { EventOf } from './event';
import type { Recorder } from './recorder';
import type { AgreementState, EngineState, PromiseState } from './state';
import { closePromise, pauseLadder, reject, resumeLadderIfIdle, withStep } from './transitions';

/** A promise to pay holds the ladder until its follow-up; a new one replaces the one open. */
export function applyPromise(s: EngineState, e: EventOf<'promise'>, r: Recorder): EngineState {
  const problem = promiseProblem(s, e, e.at);
  if (problem) return reject(s, r, 'promiseToPay', problem);
  const promiseId = e.promiseId ?? `promise-${s.promises.length + 1}`;
  let next: EngineState = s;
  if (s.mode === 'promise') {
    const replaced = s.promise.promiseId;
    next = {
      ...s,
      promises: s.promises.map((p) => (p.promiseId === replaced ? { ...p, status: 'cancelled', decidedAt: e.at } : p)),
    };
    r.record({ step: `promise:${replaced}`, outcome: 'recorded', reason: 'promise_replaced' });
  }
  next = pauseLadder(next, e.at, 'promise');
  r.record({
    step: `promise:${promiseId}`,
    outcome: 'recorded',
    reason: 'promise_to_pay',
    detail: `${e.amountMinor} by ${e.date}`,
  });
  return {
    ...next,
    mode: 'promise',
    promise: {
      promiseId,
      amountMinor: e.amountMinor,
      date: e.date,
      agentId: e.agentId,
      madeAt: e.at,
      paidAtMake: next.paidMinor,
    },
    promises: [
      ...next.promises,
      { promiseId, amountMinor: e.amountMinor, date: e.date, agentId: e.agentId, status: 'open' },
    ],
  };
}

/** An agreement replaces an open promise and holds the ladder while its installments are kept. */
export function applyAgreement(s: EngineState, e: EventOf<'agreement'>, r: Recorder): EngineState {
  const problem = agreementProblem(s, e, e.at);
  if (problem) return reject(s, r, 'agreementNegotiated', problem);
  const agreementId = e.agreementId ?? `agreement-${e.at}`;
  const next = pauseLadder(s.mode === 'promise' ? closePromise(s, 'cancelled', r) : s, e.at, 'agreement');
  r.record({
    step: `agreement:${agreementId}`,
    outcome: 'recorded',
    reason: 'agreement_negotiated',
    detail: `${e.installments.length} installments`,
  });
  return {
    ...next,
    mode: 'agreement',
    promise: null,
    agreement: {
      agreementId,
      agentId: e.agentId,
      madeAt: e.at,
      paidAtMake: next.paidMinor,
      status: 'active',
      installments: e.installments.map((i) => ({ ...i, status: 'pending' })),
    },
  };
}

/** The promise's follow-up: kept closes it; broken closes it and owes an agent task. The ladder resumes. */
export function applyPromiseCheck(s: PromiseState, stepKey: string, r: Recorder): EngineState {
  const { promise } = s;
  const kept = promiseKept(s);
  const checked = withStep(s, stepKey, {
    outcome: 'checked',
    at: r.at,
    reason: kept ? 'promise_kept' : 'promise_broken',
  });
  let next: EngineState = closePromise(checked, kept ? 'kept' : 'broken', r);
  if (!kept) {
    next = {
      ...next,
      pendingTasks: [
        ...next.pendingTasks,
        {
          taskKey: `promise-broken:${promise.promiseId}`,
          reason: 'promise_broken',
          template: next.ladder.promise.brokenTaskTemplate,
        },
      ],
    };
  }
  return resumeLadderIfIdle(next, r.at, r);
}

/**
 * The pending installment's check: kept moves on to the next one, and the last one kept settles the account;
 * missed breaks the agreement, owes an agent task and puts the ladder back in charge.
 */
export function applyInstallmentCheck(s: AgreementState, stepKey: string, r: Recorder): EngineState {
  const verdict = installmentVerdict(s);
  if (!verdict) return s;
  const { index, kept } = verdict;
  const a = s.agreement;
  const installments = a.installments.map((i, n) =>
    n === index ? { ...i, status: kept ? ('kept' as const) : ('missed' as const) } : i
  );
  const reason = kept ? 'installment_kept' : 'installment_missed';
  const checked = withStep(s, stepKey, { outcome: 'checked', at: r.at, reason });
  r.record({ step: stepKey, outcome: 'recorded', reason });
  if (kept && index === a.installments.length - 1) {
    r.record({
      step: `agreement:${a.agreementId}`,
      outcome: 'recorded',
      reason: 'agreement_completed',
      detail: 'settled',
    });
    return { ...checked, agreement: { ...a, installments, status: 'completed' }, terminal: 'settled' };
  }
  if (kept) return { ...checked, agreement: { ...a, installments } };
  const broken: EngineState = {
    ...checked,
    agreement: { ...a, installments, status: 'broken' },
    mode: 'ladder',
    pendingTasks: [
      ...checked.pendingTasks,
      {
        taskKey: `agreement-broken:${a.agreementId}`,
        reason: 'agreement_broken',
        template: checked.ladder.agreement.brokenTaskTemplate,
      },
    ],
  };
  r.record({ step: `agreement:${a.agreementId}`, outcome: 'recorded', reason: 'agreement_broken' });
  return resumeLadderIfIdle(broken, r.at, r);
}
