import { z } from 'zod';
import { CalendarDateSchema } from './calendar-date';
import { ChannelSchema, ContactChannelSchema } from './account';

/**
 * What can happen to an account from the outside: the payloads of the workflow's signals, of the API's
 * requests and of the preview's timed events. One schema each, shared by all three.
 */

const isoDate = CalendarDateSchema;
const positiveMinor = z.number().int().positive({ message: 'expected a positive integer amount in minor units' });
const id = z.string().min(1).max(200);

export const PaymentInputSchema = z.strictObject({
  paymentId: id,
  amountMinor: positiveMinor,
  paidAt: z.iso.datetime({ offset: true }).optional(),
});
export type PaymentInput = z.infer<typeof PaymentInputSchema>;

/** The `agentId` of a promise or agreement the debtor made on their own page, with no agent involved. */
export const SELF_SERVICE_ACTOR = 'debtor';

export const PromiseInputSchema = z.strictObject({
  promiseId: id.optional(),
  amountMinor: positiveMinor,
  date: isoDate,
  agentId: id,
});
export type PromiseInput = z.infer<typeof PromiseInputSchema>;

export const InstallmentSchema = z.strictObject({ dueDate: isoDate, amountMinor: positiveMinor });
export type Installment = z.infer<typeof InstallmentSchema>;

export const AgreementInputSchema = z.strictObject({
  agreementId: id.optional(),
  installments: z
    .array(InstallmentSchema)
    .min(1)
    .max(120)
    .refine((xs) => xs.every((x, i) => i === 0 || xs[i - 1]!.dueDate < x.dueDate), {
      message: 'installment due dates must be strictly increasing',
    }),
  agentId: id,
});
export type AgreementInput = z.infer<typeof AgreementInputSchema>;

export const DisputeOpenedInputSchema = z.strictObject({
  disputeId: id.optional(),
  reason: z.string().max(500).optional(),
});
export type DisputeOpenedInput = z.infer<typeof DisputeOpenedInputSchema>;

/**
 * A portfolio hold (a moratorium after a disaster, a regulator's freeze): nothing is sent while any hold is open.
 * Placed and released by the API's batch operations (api/routes/holds.ts); the hold id makes each idempotent.
 */
export const HoldPlacedInputSchema = z.strictObject({
  holdId: id,
  reason: z.string().min(1).max(500),
});
export type HoldPlacedInput = z.infer<typeof HoldPlacedInputSchema>;

export const HoldReleasedInputSchema = z.strictObject({ holdId: id });
export type HoldReleasedInput = z.infer<typeof HoldReleasedInputSchema>;

export const DisputeResolvedInputSchema = z.strictObject({
  disputeId: id.optional(),
  /** `rejected`: the debt stands and collection resumes; `upheld`: the debt is void and collection ends. */
  outcome: z.enum(['rejected', 'upheld']).default('rejected'),
});
export type DisputeResolvedInput = z.infer<typeof DisputeResolvedInputSchema>;

/** Where an opt-out or a cease request came from: a reply keyword, a link, the provider, an agent, a letter, a call. */
export const OPT_OUT_SOURCES = ['keyword', 'agent', 'link', 'provider', 'backend', 'letter', 'phone'] as const;

/**
 * `all` is a cease-communication request (12 CFR 1006.6(c)): no channel may be used again. `call` stops agents'
 * calls only. A request received by letter or by phone is as binding as a STOP keyword; `actor` names who recorded it.
 */
export const OptOutInputSchema = z.strictObject({
  channel: z.union([ContactChannelSchema, z.literal('all')]),
  source: z.enum(OPT_OUT_SOURCES).default('backend'),
  keyword: z.string().max(50).optional(),
  actor: id.optional(),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});
export type OptOutInput = z.infer<typeof OptOutInputSchema>;

export const DeliveryStatusInputSchema = z.strictObject({
  channel: ChannelSchema,
  providerMessageId: id.optional(),
  /** The ladder step the message belonged to, when the provider echoes it back. */
  stepId: id.optional(),
  status: z.enum(['sent', 'delivered', 'failed']),
  /** Permanent failures (invalid number, hard bounce) retire the channel for this account. */
  permanent: z.boolean().default(false),
  errorCode: z.string().max(50).optional(),
});
export type DeliveryStatusInput = z.infer<typeof DeliveryStatusInputSchema>;

export const CancelInputSchema = z.strictObject({
  reason: z
    .enum(['write_off', 'settled_elsewhere', 'placed_in_error', 'bankruptcy', 'deceased', 'other'])
    .default('other'),
  note: z.string().max(500).optional(),
});
export type CancelInput = z.infer<typeof CancelInputSchema>;

/**
 * What an agent's call came to, reported when the agent completes the task (the API signals it). Every outcome but
 * `other` is a call placed, so it counts towards the contact caps; `wrong_number` retires the number, `disputed`
 * opens a dispute, and a conversation (contacted, promise, agreement, refused, disputed) starts Reg F's seven quiet
 * days for calls (12 CFR 1006.14(b)(2)(ii)).
 */
export const AGENT_CONTACT_OUTCOMES = [
  'contacted',
  'promise_made',
  'agreement_made',
  'refused',
  'disputed',
  'wrong_number',
  'no_answer',
  'other',
] as const;
export type AgentContactOutcome = (typeof AGENT_CONTACT_OUTCOMES)[number];

export const AgentContactInputSchema = z.strictObject({
  taskKey: id,
  taskId: id.optional(),
  outcome: z.enum(AGENT_CONTACT_OUTCOMES),
  agentId: id,
  /** When the call was made; the signal's arrival when absent. */
  calledAt: z.iso.datetime({ offset: true }).optional(),
  note: z.string().max(500).optional(),
});
export type AgentContactInput = z.infer<typeof AgentContactInputSchema>;
