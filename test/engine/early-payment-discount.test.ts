import { describe, expect, it } from 'vitest';
import { joao } from '../../scenarios/personas';
import { discountedAmount, offerMade } from '../../workflows/engine/early-payment-discount';
import { defaultLadder, LadderSchema, type EarlyPaymentDiscount, type Ladder } from '../../workflows/engine/ladder';
import { runPreview } from '../../workflows/engine/preview';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { simulate } from '../../workflows/engine/simulate';
import { initialState } from '../../workflows/engine/state';
import { statusOf } from '../../workflows/engine/status';

/** The default ladder whose pre-due nudge offers 10 % off for payment within five days. */
const preDueDiscount = (discount: EarlyPaymentDiscount = { percent: 10, validDays: 5 }): Ladder => ({
  ...defaultLadder,
  id: 'pre-due-discount',
  steps: defaultLadder.steps.map((s) => (s.id === 'pre-due-nudge' ? { ...s, discount } : s)),
});

/** João Silva in São Paulo owes R$ 2.500,00, due 2026-12-01; his pre-due nudge goes out on 2026-11-28 at 10:01. */
const joaoScenario = (events: unknown[] = [], ladder: Ladder = preDueDiscount()) => ({
  account: joao({ balance: { amountMinor: 2_500_00, currency: 'BRL' } }),
  ladder,
  startAt: '2026-11-25T12:00:00Z',
  until: '2026-12-20T00:00:00Z',
  events,
});
const pix = (at: string, amountMinor: number, paidAt?: string) => ({
  type: 'payment',
  at,
  paymentId: `pix-${at}`,
  amountMinor,
  ...(paidAt && { paidAt }),
});

describe('an early-payment discount in a ladder', () => {
  it('may be offered only by a message step, and the refusal names the field', () => {
    const ladder = {
      ...defaultLadder,
      steps: defaultLadder.steps.map((s) =>
        s.id === 'agent-task' ? { ...s, discount: { percent: 10, validDays: 5 } } : s
      ),
    };
    const result = LadderSchema.safeParse(ladder);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(['steps', 3, 'discount']);
  });

  it('names either a percentage or an amount, not both', () => {
    const result = LadderSchema.safeParse(preDueDiscount({ percent: 10, amountMinor: 100_00, validDays: 5 }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['steps', 0, 'discount', 'percent']);
  });
});

describe('the discounted amount, in integer minor units', () => {
  it('takes 10 % off R$ 2.500,00: R$ 2.250,00', () => {
    expect(discountedAmount({ percent: 10, validDays: 5 }, 2_500_00)).toBe(2_250_00);
  });

  it('rounds a fraction of a centavo to the nearest, halves in the debtor’s favour: 7.5 % of MXN 1,234.55', () => {
    // 7.5 % of 123 455 is 9 259.125 centavos: 9 259 off.
    expect(discountedAmount({ percent: 7.5, validDays: 5 }, 1_234_55)).toBe(1_141_96);
    // 2.5 % of 10 001 is 250.025: 250 off; 5 % of 10 010 is exactly 500.5: 501 off.
    expect(discountedAmount({ percent: 2.5, validDays: 5 }, 100_01)).toBe(97_51);
    expect(discountedAmount({ percent: 5, validDays: 5 }, 100_10)).toBe(95_09);
  });

  it('takes a fixed amount off a Colombian balance, never leaving less than one unit to pay', () => {
    expect(discountedAmount({ amountMinor: 20_000_00, validDays: 5 }, 150_000_00)).toBe(130_000_00);
    expect(discountedAmount({ amountMinor: 20_000_00, validDays: 5 }, 15_000_00)).toBe(1);
  });

  it('expires at midnight after the last day in the debtor’s zone (São Paulo, UTC−3)', () => {
    const offer = offerMade(
      'pre-due-nudge',
      { percent: 10, validDays: 5 },
      { balanceMinor: 2_500_00, paidMinor: 0 },
      'America/Sao_Paulo',
      Date.parse('2026-11-28T13:01:53Z')
    );
    expect(offer).toMatchObject({ amountMinor: 2_250_00, validUntil: '2026-12-03' });
    expect(new Date(offer.expiresAt).toISOString()).toBe('2026-12-04T03:00:00.000Z');
  });
});

describe('João’s pre-due nudge offering 10 % off until 2026-12-03', () => {
  it('quotes R$ 2.250,00 and the last day in the preview, and the day-1 SMS repeats the open offer', () => {
    const { actions } = runPreview(joaoScenario());
    expect(actions.slice(0, 3).map((a) => [a.step, a.amountMinor, a.discount ?? null])).toEqual([
      ['pre-due-nudge', 2_500_00, { amountMinor: 2_250_00, validUntil: '2026-12-03' }],
      ['day-1-sms', 2_500_00, { amountMinor: 2_250_00, validUntil: '2026-12-03' }],
      ['week-1-email', 2_500_00, null],
    ]);
  });

  it('settles the account when he pays the discounted amount before the offer expires', () => {
    const result = runPreview(joaoScenario([pix('2026-12-01T12:00:00Z', 2_250_00)]));
    expect(result.final).toEqual({ status: 'settled', balanceMinor: 0, stage: 'pre-due-nudge' });
    expect(result.actions.map((a) => a.step)).toEqual(['pre-due-nudge']);
  });

  it('settles it with two payments that together reach the discounted amount in time', () => {
    const result = runPreview(
      joaoScenario([pix('2026-11-29T12:00:00Z', 1_000_00), pix('2026-12-03T20:00:00Z', 1_250_00)])
    );
    expect(result.final.status).toBe('settled');
  });

  it('does not settle it for the same amount paid the day after: R$ 250,00 is still owed', () => {
    const result = runPreview(joaoScenario([pix('2026-12-04T12:00:00Z', 2_250_00)]));
    expect(result.final).toMatchObject({ status: 'active', balanceMinor: 250_00 });
  });

  it('counts a payment by the date it was made, even when it is reported after the offer expired', () => {
    const result = runPreview(joaoScenario([pix('2026-12-04T14:00:00Z', 2_250_00, '2026-12-03T23:30:00-03:00')]));
    expect(result.final.status).toBe('settled');
  });

  it('after expiry, a payment of the rest closes the account as paid', () => {
    const result = runPreview(
      joaoScenario([pix('2026-12-04T12:00:00Z', 2_250_00), pix('2026-12-05T12:00:00Z', 250_00)])
    );
    expect(result.final).toMatchObject({ status: 'paid', balanceMinor: 0 });
  });

  it('a ladder without a discount previews exactly as before: no message carries one', () => {
    const { actions } = runPreview(joaoScenario([], defaultLadder));
    expect(actions.filter((a) => a.discount !== undefined)).toEqual([]);
  });

  it('records the offer, and the settlement with what was forgiven, as the story of the account', () => {
    const account = joao({ balance: { amountMinor: 2_500_00, currency: 'BRL' } });
    const start = initialState(account, preDueDiscount(), contactPolicyFor('BR')!, Date.parse('2026-11-25T12:00:00Z'));
    const { state } = simulate(start, {
      from: Date.parse('2026-11-25T12:00:00Z'),
      until: Date.parse('2026-12-10T00:00:00Z'),
      events: [{ type: 'payment', at: Date.parse('2026-12-01T12:00:00Z'), paymentId: 'pix-1', amountMinor: 2_250_00 }],
      maxSteps: 1000,
    });
    const story = state.decisions.filter((d) => d.reason.startsWith('early_payment_discount'));
    expect(story.map((d) => [d.step, d.reason, d.detail])).toEqual([
      ['pre-due-nudge', 'early_payment_discount_offered', '225000 of 250000 settles if paid by 2026-12-03'],
      ['pre-due-nudge', 'early_payment_discount', 'paid 225000 of the 225000 offered by 2026-12-03; 25000 forgiven'],
      ['account', 'early_payment_discount', 'settled'],
    ]);
    expect(statusOf(state, Date.parse('2026-12-01T12:00:00Z')).status).toBe('settled');
  });

  it('shows the open offer in the account’s status until it expires', () => {
    const account = joao({ balance: { amountMinor: 2_500_00, currency: 'BRL' } });
    const start = initialState(account, preDueDiscount(), contactPolicyFor('BR')!, Date.parse('2026-11-25T12:00:00Z'));
    const { state } = simulate(start, {
      from: Date.parse('2026-11-25T12:00:00Z'),
      until: Date.parse('2026-11-29T00:00:00Z'),
      events: [],
      maxSteps: 1000,
    });
    expect(statusOf(state, Date.parse('2026-11-29T00:00:00Z')).discountOffer).toEqual({
      step: 'pre-due-nudge',
      amountMinor: 2_250_00,
      validUntil: '2026-12-03',
      expiresAt: '2026-12-04T03:00:00.000Z',
    });
    expect(statusOf(state, Date.parse('2026-12-04T03:00:00Z')).discountOffer).toBeUndefined();
  });
});
