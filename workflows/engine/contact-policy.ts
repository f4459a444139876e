import { z } from 'zod';
import { ContactChannelSchema } from './account';

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/);
/** Allowed local hours for one weekday, or null when the whole day is closed. */
const DayHoursSchema = z.tuple([hhmm, hhmm]).nullable();

/** Contact allowed only inside these local hours, per weekday (index 0 = Sunday). */
export const WindowRuleSchema = z.strictObject({
  rule: z.string().min(1),
  /** Channels the rule governs; absent means every channel. */
  channels: z.array(ContactChannelSchema).optional(),
  hours: z.array(DayHoursSchema).length(7),
});
export type WindowRule = z.infer<typeof WindowRuleSchema>;

export const BlockedDaysRuleSchema = z.strictObject({
  rule: z.string().min(1),
  channels: z.array(ContactChannelSchema).optional(),
  publicHolidays: z.boolean(),
});
export type BlockedDaysRule = z.infer<typeof BlockedDaysRuleSchema>;

/**
 * At most `max` contacts over the last `days` days (rolling), or on one local calendar day (`per: 'localDay'`).
 * `count: 'conversations'` counts only calls in which the agent spoke with the debtor.
 */
export const CapRuleSchema = z.strictObject({
  rule: z.string().min(1),
  channels: z.array(ContactChannelSchema).optional(),
  max: z.number().int().positive(),
  per: z.union([z.strictObject({ rollingDays: z.number().int().positive() }), z.literal('localDay')]),
  count: z.enum(['contacts', 'conversations']).optional(),
});
export type CapRule = z.infer<typeof CapRuleSchema>;

/** At most `max` distinct channels over a rolling number of days. */
export const DistinctChannelsRuleSchema = z.strictObject({
  rule: z.string().min(1),
  max: z.number().int().positive(),
  rollingDays: z.number().int().positive(),
});
export type DistinctChannelsRule = z.infer<typeof DistinctChannelsRuleSchema>;

/**
 * A jurisdiction's contact rules as data: the compliance snapshot handed to each account's workflow. Every rule
 * names its source (statute, article, or `COBRANZA:` for product policy stricter than the law) so every move
 * and suppression can say which rule caused it.
 */
export const ContactPolicySchema = z.strictObject({
  jurisdiction: z.string(),
  name: z.string(),
  /** The jurisdiction's zones: when the debtor's zone is unknown, a contact must be allowed in all of them. */
  zones: z.array(z.string()).min(1),
  /**
   * Public holidays of the region, resolved from the holiday library when the snapshot is taken, so the workflow
   * sandbox never loads the library's world-wide data. Dates are local YYYY-MM-DD within [fromYear, toYear].
   */
  holidays: z.strictObject({
    country: z.string(),
    state: z.string().optional(),
    fromYear: z.number().int(),
    toYear: z.number().int(),
    dates: z.array(z.string()),
  }),
  windows: z.array(WindowRuleSchema),
  blockedDays: z.array(BlockedDaysRuleSchema),
  caps: z.array(CapRuleSchema),
  distinctChannels: z.array(DistinctChannelsRuleSchema),
  /** Brazil CDC art. 42-A: every billing message names the creditor with address and CPF/CNPJ. */
  requiresCreditorIdentification: z.boolean(),
});
export type ContactPolicy = z.infer<typeof ContactPolicySchema>;
