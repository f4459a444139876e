import { settlesOffer } from './early-payment-discount';
import type { EventOf } from './event';
import type { Recorder } from './recorder';
import type { EngineState } from './state';
import { closeAccount } from './transitions';

/** A payment lowers the balance; the balance reaching zero closes the account as paid (or overpaid). */
export function applyPayment(s: EngineState, e: EventOf<'payment'>, r: Recorder): EngineState {
  if (s.paymentIds.includes(e.paymentId)) {
    r.record({ step: 'payment', outcome: 'skipped', reason: 'duplicate_payment', detail: e.paymentId });
    return s;
  }
  let next = receivePayment(s, e.amountMinor, e.paymentId);
  const credit = next.creditMinor ?? 0;
  r.record({
    step: 'payment',
    outcome: 'recorded',
    reason: credit > 0 ? 'overpaid' : next.balanceMinor === 0 ? 'paid_in_full' : 'partial_payment',
    detail: `${e.paymentId}: ${e.amountMinor}, balance ${next.balanceMinor}${credit > 0 ? `, credit ${credit}` : ''}`,
  });
  if (next.balanceMinor > 0 && next.offer) {
    const offer = next.offer;
    // The payment's own date decides (a payment made on the last day and reported the next still counts).
    const paidAt = e.paidAt !== undefined ? Date.parse(e.paidAt) : e.at;
    if (settlesOffer(offer, next.paidMinor, paidAt)) {
      r.record({
        step: offer.stepKey,
        outcome: 'recorded',
        reason: 'early_payment_discount',
        detail: `paid ${next.paidMinor - offer.paidAtOffer} of the ${offer.amountMinor} offered by ${offer.validUntil}; ${next.balanceMinor} forgiven`,
      });
      return closeAccount({ ...next, balanceMinor: 0, offer: null }, 'settled', 'early_payment_discount', r);
    }
    if (paidAt >= offer.expiresAt) {
      r.record({
        step: offer.stepKey,
        outcome: 'recorded',
        reason: 'early_payment_discount_expired',
        detail: `${offer.amountMinor} was offered until ${offer.validUntil}; the balance is owed in full`,
      });
      next = { ...next, offer: null };
    }
  }
  if (next.balanceMinor > 0) return next;
  return closeAccount(next, credit > 0 ? 'overpaid' : 'paid', credit > 0 ? 'overpaid' : 'paid_in_full', r);
}

/** Money is never lost, even after the account closed: it lowers the balance, and beyond it is credit. */
export function applyPaymentAfterClose(s: EngineState, e: EventOf<'payment'>, r: Recorder): EngineState {
  if (s.paymentIds.includes(e.paymentId)) return s;
  r.record({ step: 'payment', outcome: 'recorded', reason: 'payment_after_close', detail: e.paymentId });
  return receivePayment(s, e.amountMinor, e.paymentId);
}

/** A payment lowers the balance down to zero; what is paid beyond it is owed back to the debtor as credit. */
function receivePayment(s: EngineState, amountMinor: number, paymentId: string): EngineState {
  const applied = Math.min(amountMinor, s.balanceMinor);
  return {
    ...s,
    paymentIds: [...s.paymentIds, paymentId],
    paidMinor: s.paidMinor + amountMinor,
    balanceMinor: s.balanceMinor - applied,
    ...(amountMinor > applied && { creditMinor: (s.creditMinor ?? 0) + amountMinor - applied }),
  };
}
