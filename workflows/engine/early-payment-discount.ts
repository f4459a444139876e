import type { EarlyPaymentDiscount, Ladder } from './ladder';
import { addDays, instantAt, localParts } from './zoned-time';

/** What a message offers: pay `amountMinor` (in all, from the offer on) by the end of `validUntil`, local. */
export interface DiscountQuote {
  amountMinor: number;
  /** The debtor's last day to pay, YYYY-MM-DD in their zone. */
  validUntil: string;
}

/** The offer an account holds once its message went out: the quote, and what settling it is measured from. */
export interface DiscountOffer extends DiscountQuote {
  stepKey: string;
  /** The balance when offered, and what was paid by then: payments after it count towards the discounted amount. */
  balanceAtOffer: number;
  paidAtOffer: number;
  /** The first instant the offer no longer holds: midnight after `validUntil` in the debtor's zone. */
  expiresAt: number;
}

/** The discount a ladder step offers, or undefined for a step (or a ladder) that offers none. */
export function discountOfStep(ladder: Ladder, stepKey: string): EarlyPaymentDiscount | undefined {
  return ladder.steps.find((s) => s.id === stepKey)?.discount;
}

/**
 * What the debtor pays to settle `balanceMinor`: the balance less the discount, in integer minor units, a percentage
 * discount rounded to the nearest unit with halves in the debtor's favour, never less than one unit to pay.
 */
export function discountedAmount(discount: EarlyPaymentDiscount, balanceMinor: number): number {
  const off =
    discount.percent !== undefined ? Math.floor((balanceMinor * discount.percent) / 100 + 0.5) : discount.amountMinor!;
  return Math.max(1, balanceMinor - off);
}

/** The quote a message made at `at` carries: the discounted amount and the debtor's last day to pay it. */
export function quoteDiscount(
  discount: EarlyPaymentDiscount,
  balanceMinor: number,
  zone: string,
  at: number
): DiscountQuote {
  return {
    amountMinor: discountedAmount(discount, balanceMinor),
    validUntil: addDays(localParts(zone, at).date, discount.validDays),
  };
}

/** The offer made by a message sent at `at`: quoted on the balance then, expiring at the end of its last local day. */
export function offerMade(
  stepKey: string,
  discount: EarlyPaymentDiscount,
  account: { balanceMinor: number; paidMinor: number },
  zone: string,
  at: number
): DiscountOffer {
  const quote = quoteDiscount(discount, account.balanceMinor, zone, at);
  return {
    ...quote,
    stepKey,
    balanceAtOffer: account.balanceMinor,
    paidAtOffer: account.paidMinor,
    expiresAt: instantAt(zone, addDays(quote.validUntil, 1), 0),
  };
}

/** Settled by the offer: paid at least the discounted amount since it was made, by a payment made before it expired. */
export function settlesOffer(offer: DiscountOffer, paidMinor: number, paidAt: number): boolean {
  return paidAt < offer.expiresAt && paidMinor - offer.paidAtOffer >= offer.amountMinor;
}
