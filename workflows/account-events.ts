import { z } from 'zod';
import { CalendarDateSchema } from './calendar-date';
import { ChannelSchema } from './account';

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

export const DisputeResolvedInputSchema = z.strictObject({
  disputeId: id.optional(),
  /** `rejected`: the debt stands and collection resumes; `upheld`: the debt is void and collection ends. */
  outcome: z.enum(['rejected', 'upheld']).default('rejected'),
});
export type DisputeResolvedInput = z.infer<typeof DisputeResolvedInputSchema>;

/** `all` is a cease-communication request (12 CFR 1006.6(c)): no channel may be used again. */
export const OptOutInputSchema = z.strictObject({
  channel: z.union([ChannelSchema, z.literal('all')]),
  source: z.enum(['keyword', 'agent', 'link', 'provider', 'backend']).default('backend'),
  keyword: z.string().max(50).optional(),
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
