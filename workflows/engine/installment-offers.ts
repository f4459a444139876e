import type { Installment } from './account-events';
import type { InstallmentOffers, Ladder } from './ladder';
import { addDays } from './zoned-time';

/** Two, three or six monthly payments, the first within a week: what a ladder that names no offers allows. */
export const DEFAULT_INSTALLMENT_OFFERS: InstallmentOffers = {
  counts: [2, 3, 6],
  intervalDays: 30,
  firstPaymentWithinDays: 7,
  minInstallmentMinor: 1,
};

/** One plan a debtor may choose: its installments, dated in the debtor's calendar, adding up to the balance. */
export interface InstallmentOffer {
  count: number;
  installments: Installment[];
}

/**
 * The plans the account's ladder offers for `balanceMinor` owed, from `today` (the debtor's local date). Amounts are
 * integer minor units: equal installments, the remainder of the division paid with the first, so the total is the
 * balance exactly and later installments are all the same. The agreement is still checked by the engine when
 * chosen; this only says what to offer.
 */
export function installmentOffers(ladder: Ladder, balanceMinor: number, today: string): InstallmentOffer[] {
  const offers = ladder.agreement.offers ?? DEFAULT_INSTALLMENT_OFFERS;
  return [...new Set(offers.counts)]
    .sort((a, b) => a - b)
    .filter((count) => Math.floor(balanceMinor / count) >= offers.minInstallmentMinor)
    .map((count) => {
      const base = Math.floor(balanceMinor / count);
      const remainder = balanceMinor - base * count;
      const first = addDays(today, offers.firstPaymentWithinDays);
      return {
        count,
        installments: Array.from({ length: count }, (_, i) => ({
          dueDate: addDays(first, i * offers.intervalDays),
          amountMinor: base + (i === 0 ? remainder : 0),
        })),
      };
    });
}
