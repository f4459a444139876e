import { z } from 'zod';
import { ChannelSchema } from './account';

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time of day HH:MM');
const stepId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a kebab-case step id');
const templateKey = z.string().regex(/^[a-z0-9_]+$/, 'expected a snake_case template key');

/**
 * How collection ends when the ladder runs out: `exhausted` (no more collection by this service), `external_agency`
 * (placed with an outside agency), or `agent` (an agent takes the account over: a task is created and no further
 * automated message goes out, while payments, promises and agreements are still taken).
 */
export const LadderEndSchema = z.enum(['exhausted', 'external_agency', 'agent']);
export type LadderEnd = z.infer<typeof LadderEndSchema>;

/**
 * An early-payment discount: paying the balance less `percent` (or less `amountMinor`) by the end of the debtor's
 * day `validDays` after the message settles the account. One of `percent` and `amountMinor`.
 */
export const EarlyPaymentDiscountSchema = z
  .strictObject({
    percent: z.number().gt(0).max(90).optional(),
    amountMinor: z.number().int().positive().optional(),
    validDays: z.number().int().min(0).max(60),
  })
  .refine((d) => (d.percent === undefined) !== (d.amountMinor === undefined), {
    message: 'give either percent or amountMinor',
    path: ['percent'],
  });
export type EarlyPaymentDiscount = z.infer<typeof EarlyPaymentDiscountSchema>;

/** A ladder step fires at a local time of day, `offsetDays` after the account's due date (negative: before). */
export const LadderStepSchema = z
  .strictObject({
    id: stepId,
    name: z.string().min(1),
    kind: z.enum(['message', 'agent_task', 'end']),
    trigger: z.strictObject({ from: z.literal('dueDate'), offsetDays: z.number().int().min(-60).max(365) }),
    localTime,
    /** Preference order; a permanently failed or opted-out channel falls back to the next one. */
    channels: z.array(ChannelSchema).max(3).default([]),
    template: templateKey,
    /** `end` steps only. */
    outcome: LadderEndSchema.optional(),
    /** `message` steps only: the message offers settling for less if paid by a date (early-payment discount). */
    discount: EarlyPaymentDiscountSchema.optional(),
  })
  .refine((s) => s.kind !== 'message' || s.channels.length > 0, {
    message: 'a message step needs at least one channel',
    path: ['channels'],
  })
  .refine((s) => s.discount === undefined || s.kind === 'message', {
    message: 'only a message step can offer an early-payment discount',
    path: ['discount'],
  })
  .refine((s) => (s.kind === 'end') === (s.outcome !== undefined), {
    message: 'an end step names its outcome (exhausted, external_agency or agent), and only an end step does',
    path: ['outcome'],
  });
export type LadderStep = z.infer<typeof LadderStepSchema>;

/** A step anchored on an event date (a promised date, an installment's due date) rather than the due date. */
export const EventStepSchema = z.strictObject({
  offsetDays: z.number().int().min(-30).max(30),
  localTime,
  channels: z.array(ChannelSchema).max(3).default([]),
  template: templateKey,
});
export type EventStep = z.infer<typeof EventStepSchema>;

/**
 * Installment plans a debtor may pick without an agent: equal installments, `intervalDays` apart, the first due
 * `firstPaymentWithinDays` after the day it is chosen; a plan whose installment would fall below
 * `minInstallmentMinor` (in the account's currency) is not offered.
 */
export const InstallmentOffersSchema = z.strictObject({
  counts: z.array(z.number().int().min(2).max(24)).min(1).max(6),
  intervalDays: z.number().int().min(7).max(31),
  firstPaymentWithinDays: z.number().int().min(0).max(30),
  minInstallmentMinor: z.number().int().positive(),
});
export type InstallmentOffers = z.infer<typeof InstallmentOffersSchema>;

/** A ladder's id: what accounts, versions, experiments and metrics name it by. */
export const LadderIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a kebab-case ladder id');

const ladderDefinitionShape = {
  steps: z.array(LadderStepSchema).min(1).max(50),
  promise: z.strictObject({
    /** Reminder before the promised date (offsetDays is negative: -1 is the day before). */
    reminder: EventStepSchema,
    /** Days after the promised date at which the follow-up decides kept or broken. */
    graceDays: z.number().int().min(0).max(30),
    /** Local time of the follow-up check. */
    checkLocalTime: localTime,
    /** A promise is kept when paid ≥ promised × (1 − tolerance). */
    keptTolerancePercent: z.number().min(0).max(50),
    /** Furthest a promised date may lie from the day it is made. */
    maxHorizonDays: z.number().int().min(1).max(365),
    brokenTaskTemplate: templateKey,
  }),
  agreement: z.strictObject({
    reminder: EventStepSchema,
    graceDays: z.number().int().min(0).max(30),
    checkLocalTime: localTime,
    keptTolerancePercent: z.number().min(0).max(50),
    brokenTaskTemplate: templateKey,
    /** The plans a debtor may choose on their own page; absent: DEFAULT_INSTALLMENT_OFFERS. */
    offers: InstallmentOffersSchema.optional(),
  }),
};

/** Steps in order of offsetDays, unique ids, and an end step only last. */
function checkSteps(ladder: { steps: LadderStep[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  ladder.steps.forEach((step, i) => {
    if (seen.has(step.id))
      ctx.addIssue({ code: 'custom', message: `duplicate step id ${step.id}`, path: ['steps', i, 'id'] });
    seen.add(step.id);
    const prev = ladder.steps[i - 1];
    if (prev && prev.trigger.offsetDays > step.trigger.offsetDays)
      ctx.addIssue({ code: 'custom', message: 'steps must be ordered by offsetDays', path: ['steps', i, 'trigger'] });
    if (step.kind === 'end' && i !== ladder.steps.length - 1)
      ctx.addIssue({ code: 'custom', message: 'an end step must be the last step', path: ['steps', i, 'kind'] });
  });
}

/**
 * What a ladder does, without its identity: a draft is written as this, and the catalog gives it its id and the
 * version it is published as (api/routes/ladders.ts).
 */
export const LadderDefinitionSchema = z.strictObject(ladderDefinitionShape).superRefine(checkSteps);
export type LadderDefinition = z.infer<typeof LadderDefinitionSchema>;

export const LadderSchema = z
  .strictObject({ id: LadderIdSchema, version: z.number().int().positive(), ...ladderDefinitionShape })
  .superRefine(checkSteps);
export type Ladder = z.infer<typeof LadderSchema>;

/**
 * The mission's ladder: pre-due nudge (due−3 d), day-1 SMS (due+1), week-1 email (due+7), agent task (due+14 if
 * still unpaid), a final notice (due+30) and the end of collection (due+45: exhausted), with the promise-to-pay
 * follow-up (reminder the day before, check at promised date + grace).
 */
export const defaultLadder: Ladder = LadderSchema.parse({
  id: 'default',
  version: 1,
  steps: [
    {
      id: 'pre-due-nudge',
      name: 'pre-due nudge',
      kind: 'message',
      trigger: { from: 'dueDate', offsetDays: -3 },
      localTime: '10:00',
      channels: ['sms', 'email'],
      template: 'pre_due_nudge',
    },
    {
      id: 'day-1-sms',
      name: 'day-1 SMS',
      kind: 'message',
      trigger: { from: 'dueDate', offsetDays: 1 },
      localTime: '10:00',
      channels: ['sms', 'whatsapp', 'email'],
      template: 'day_1_reminder',
    },
    {
      id: 'week-1-email',
      name: 'week-1 email',
      kind: 'message',
      trigger: { from: 'dueDate', offsetDays: 7 },
      localTime: '09:00',
      channels: ['email', 'sms'],
      template: 'week_1_notice',
    },
    {
      id: 'agent-task',
      name: 'agent task',
      kind: 'agent_task',
      trigger: { from: 'dueDate', offsetDays: 14 },
      localTime: '09:00',
      channels: [],
      template: 'agent_call_unpaid',
    },
    {
      id: 'final-notice',
      name: 'final notice',
      kind: 'message',
      trigger: { from: 'dueDate', offsetDays: 30 },
      localTime: '09:00',
      channels: ['email', 'sms'],
      template: 'final_notice',
    },
    {
      id: 'ladder-end',
      name: 'end of collection',
      kind: 'end',
      trigger: { from: 'dueDate', offsetDays: 45 },
      localTime: '09:00',
      channels: [],
      template: 'ladder_end',
      outcome: 'exhausted',
    },
  ],
  promise: {
    reminder: { offsetDays: -1, localTime: '10:00', channels: ['sms', 'email'], template: 'promise_reminder' },
    graceDays: 2,
    checkLocalTime: '09:00',
    keptTolerancePercent: 0,
    maxHorizonDays: 45,
    brokenTaskTemplate: 'agent_call_promise_broken',
  },
  agreement: {
    reminder: { offsetDays: -2, localTime: '10:00', channels: ['sms', 'email'], template: 'installment_reminder' },
    graceDays: 3,
    checkLocalTime: '09:00',
    keptTolerancePercent: 0,
    brokenTaskTemplate: 'agent_call_agreement_broken',
  },
});

/** Every template a ladder sends as a message (steps and reminders); agent-task and end templates send nothing. */
export function messageTemplateKeysOf(ladder: Ladder): string[] {
  return [
    ...ladder.steps.filter((s) => s.kind === 'message').map((s) => s.template),
    ladder.promise.reminder.template,
    ladder.agreement.reminder.template,
  ];
}
