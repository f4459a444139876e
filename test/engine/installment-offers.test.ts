import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTALLMENT_OFFERS, installmentOffers } from '../../workflows/engine/installment-offers';
import { defaultLadder, LadderSchema, type Ladder } from '../../workflows/engine/ladder';

const withOffers = (offers: Ladder['agreement']['offers']): Ladder => ({
  ...defaultLadder,
  agreement: { ...defaultLadder.agreement, offers },
});

describe('the installment plans a debtor may choose', () => {
  it('offers two, three and six monthly payments, the first within a week, when the ladder names none', () => {
    const offers = installmentOffers(defaultLadder, 150_000_00, '2026-12-03');
    expect(offers.map((o) => o.count)).toEqual(DEFAULT_INSTALLMENT_OFFERS.counts);
    expect(offers[1]!.installments).toEqual([
      { dueDate: '2026-12-10', amountMinor: 50_000_00 },
      { dueDate: '2027-01-09', amountMinor: 50_000_00 },
      { dueDate: '2027-02-08', amountMinor: 50_000_00 },
    ]);
  });

  it('adds up to the balance exactly, the remainder of the division paid with the first installment', () => {
    const [three] = installmentOffers(
      withOffers({ ...DEFAULT_INSTALLMENT_OFFERS, counts: [3] }),
      1_000_01,
      '2026-12-03'
    );
    expect(three!.installments.map((i) => i.amountMinor)).toEqual([33_335, 33_333, 33_333]);
    expect(three!.installments.reduce((s, i) => s + i.amountMinor, 0)).toBe(1_000_01);
  });

  it('leaves out a plan whose installment would fall below the minimum', () => {
    const ladder = withOffers({
      counts: [2, 3, 6],
      intervalDays: 30,
      firstPaymentWithinDays: 7,
      minInstallmentMinor: 300_00,
    });
    expect(installmentOffers(ladder, 1_200_00, '2026-12-03').map((o) => o.count)).toEqual([2, 3]);
  });

  it("spaces installments by the ladder's interval from the first payment date it sets", () => {
    const ladder = withOffers({ counts: [4], intervalDays: 14, firstPaymentWithinDays: 0, minInstallmentMinor: 1 });
    expect(installmentOffers(ladder, 400_00, '2026-12-28')[0]!.installments.map((i) => i.dueDate)).toEqual([
      '2026-12-28',
      '2027-01-11',
      '2027-01-25',
      '2027-02-08',
    ]);
  });

  it('a ladder that offers a single payment as a plan is refused, naming the field', () => {
    const result = LadderSchema.safeParse(withOffers({ ...DEFAULT_INSTALLMENT_OFFERS, counts: [1] }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['agreement', 'offers', 'counts', 0]);
  });
});
