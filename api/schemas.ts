import { z } from 'zod';
import { AccountSchema } from '../workflows/engine/account';
import {
  AGENT_CONTACT_OUTCOMES,
  AgentContactInputSchema,
  AgreementInputSchema,
  CancelInputSchema,
  DisputeOpenedInputSchema,
  DisputeResolvedInputSchema,
  OptOutInputSchema,
  PaymentInputSchema,
  PromiseInputSchema,
} from '../workflows/engine/account-events';
import { LadderDefinitionSchema, LadderIdSchema, LadderSchema } from '../workflows/engine/ladder';
import { SegmentationSchema } from '../workflows/engine/segment-rules';

/** Request and response schemas of the HTTP API: the shared contracts plus the API's own envelopes. */

export const AccountIdParams = z.strictObject({
  id: AccountSchema.shape.id,
});

/** A catalog ladder by id: a published version, or (no version) the newest published one. */
export const LadderRefSchema = z.strictObject({
  id: LadderIdSchema,
  version: z.number().int().positive().optional().describe('absent: the newest published version'),
});

/**
 * POST /v1/accounts: the placed account, with the ladder it runs: a catalog ladder (`ladderRef`), a ladder of its own
 * (`ladder`), or neither (the built-in default ladder). The account keeps the version it was placed with.
 */
export const PlaceAccountRequest = z
  .strictObject({
    ...AccountSchema.shape,
    ladder: LadderSchema.optional(),
    ladderRef: LadderRefSchema.optional(),
    segmentation: SegmentationSchema.optional().describe(
      'what segments may route on besides the account (tags, risk score); kept by the API, never sent to the debtor'
    ),
  })
  .refine((r) => r.ladder === undefined || r.ladderRef === undefined, {
    message: 'give either ladder or ladderRef, not both',
    path: ['ladderRef'],
  });
export type PlaceAccountRequest = z.infer<typeof PlaceAccountRequest>;

export const PlacementResponse = z.object({
  accountId: z.string(),
  workflowId: z.string(),
  created: z.boolean().describe('false when the account was already placed (the existing placement is answered)'),
  ladder: z.object({ id: z.string(), version: z.number() }),
  assignment: z
    .object({
      by: z.enum(['placement', 'segment', 'default']),
      segmentId: z.string().optional(),
      revision: z.number().int().optional(),
      arm: z.number().int().optional(),
      reason: z.string(),
    })
    .describe('how the ladder was chosen, and why (also in the account’s audit log)'),
  pendingPayments: z.number().int().describe('payments recorded before placement and handed to the workflow'),
});

export const BatchItemResult = z.object({
  index: z.number().int(),
  accountId: z.string().optional(),
  status: z.number().int().describe('the HTTP status the item would have had on its own'),
  result: PlacementResponse.optional(),
  problem: z.unknown().optional().describe('an RFC 9457 problem for a failed item'),
});
export const BatchResponse = z.object({
  total: z.number().int(),
  created: z.number().int(),
  existing: z.number().int(),
  failed: z.number().int(),
  results: z.array(BatchItemResult),
});
export const BatchRequest = z.array(z.unknown()).describe('a JSON array of accounts (or NDJSON, one account per line)');

export const PaymentRequest = PaymentInputSchema;
export const PaymentResponse = z.object({
  accountId: z.string(),
  paymentId: z.string(),
  duplicate: z.boolean(),
  delivered: z
    .boolean()
    .describe(
      'false only for an account placed before ladder snapshots were kept whose workflow is not running: the ' +
        'payment is applied when the account is placed again'
    ),
});

export const PromiseRequest = PromiseInputSchema;
export const PromiseResponse = z.object({
  accountId: z.string(),
  promise: PromiseInputSchema.required({ promiseId: true }),
  /** The account's status once the workflow applied the promise (promise_open, …). */
  status: z.string(),
});
export const AgreementRequest = AgreementInputSchema;
export const AgreementResponse = z.object({
  accountId: z.string(),
  agreement: AgreementInputSchema.required({ agreementId: true }),
  /** The account's status once the workflow applied the agreement (in_agreement, …). */
  status: z.string(),
});

export const DisputeRequest = DisputeOpenedInputSchema;
export const DisputeResolveRequest = DisputeResolvedInputSchema;
export const CancelRequest = CancelInputSchema;
export const SignalAccepted = z.object({ accountId: z.string(), workflowId: z.string(), signal: z.string() });

export const AccountStatusResponse = z
  .object({
    accountId: z.string(),
    ladder: z.object({ id: z.string(), version: z.number() }),
    status: z.string(),
    stage: z.string(),
    balance: z.object({ amountMinor: z.number(), currency: z.string() }),
    paidMinor: z.number(),
  })
  .loose()
  .describe('the dunning workflow status query (DunningStatus)');

/**
 * POST /v1/accounts/{id}/opt-outs: an opt-out or a cease request received outside the automated channels (a letter,
 * a call, the creditor's own systems, an agent). Letters and calls name who took them.
 */
export const OptOutRequest = z
  .strictObject({
    channel: OptOutInputSchema.shape.channel.describe(
      'the channel the debtor may no longer be contacted through; `all` is a cease-communication request'
    ),
    source: z.enum(['letter', 'phone', 'backend', 'agent']).describe('how the request was received'),
    actor: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('who took the request (required for letter and phone); defaults to the calling key otherwise'),
    receivedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('when the request was received (a letter’s arrival); default: now'),
    note: z.string().max(2000).optional().describe('free text for the audit log (never sent to the workflow)'),
  })
  .superRefine((o, ctx) => {
    if ((o.source === 'letter' || o.source === 'phone') && o.actor === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['actor'],
        message: `a request received by ${o.source} names who took it`,
      });
  });
export type OptOutRequest = z.infer<typeof OptOutRequest>;
export const OptOutResponse = SignalAccepted.extend({
  delivered: z
    .boolean()
    .describe(
      'false only for an account placed before ladder snapshots were kept whose workflow is not running; the ' +
        'opt-out is recorded'
    ),
  optOut: z.object({
    channel: z.string(),
    source: z.string(),
    actor: z.string(),
    receivedAt: z.string(),
  }),
});

export const AgentTaskStatusEnum = z.enum(['open', 'claimed', 'done']);
export const AgentTaskCallSchema = z
  .discriminatedUnion('allowed', [
    z.object({
      allowed: z.literal(true),
      opensAt: z.string().describe('the first instant the debtor may be called (UTC)'),
      opensAtLocal: z.string().describe('the same instant in the debtor’s zone'),
      closesAt: z.string().describe('the end of that stretch (UTC)'),
      closesAtLocal: z.string(),
      zone: z.string().describe('the IANA zone the contact rules were evaluated in'),
    }),
    z.object({
      allowed: z.literal(false),
      reason: z
        .string()
        .describe('why no call may be made: cease_communication, dispute_open, call_opted_out, call_failed, no_phone'),
    }),
  ])
  .nullable()
  .describe('when the agent may call the debtor under the contact rules, or why not (null: a task from before)');
export const AgentTaskSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  workflowId: z.string(),
  taskKey: z.string(),
  reason: z.string(),
  template: z.string(),
  jurisdiction: z.string(),
  balance: z.object({ amountMinor: z.number(), currency: z.string() }),
  status: AgentTaskStatusEnum,
  assignee: z.string().nullable(),
  outcome: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  claimedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  call: AgentTaskCallSchema,
});
export const CompletedAgentTask = AgentTaskSchema.extend({
  delivered: z
    .boolean()
    .describe('true when the outcome reached the account’s workflow (false: its collection had ended)'),
  accountStatus: z.string().optional().describe('how the account’s collection ended, when it had'),
});
export const AgentTaskListQuery = z.strictObject({
  status: AgentTaskStatusEnum.optional(),
  assignee: z.string().min(1).max(200).optional(),
  jurisdiction: z
    .string()
    .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'expected a country code such as MX or a country-state such as US-MA')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export const AgentTaskList = z.object({ items: z.array(AgentTaskSchema), nextCursor: z.string().nullable() });
export const AgentTaskIdParams = z.strictObject({ id: z.string().min(1).max(100) });
const agentIdField = z.string().min(1).max(200).optional().describe('the agent; defaults to the calling key');
export const ClaimRequest = z.strictObject({ agentId: agentIdField });
export const CompleteRequest = z.strictObject({
  outcome: z
    .enum(AGENT_CONTACT_OUTCOMES)
    .describe(
      'what the call came to: every outcome but `other` counts as a call towards the contact caps, ' +
        '`wrong_number` retires the number, `disputed` opens a dispute'
    ),
  note: AgentContactInputSchema.shape.note,
  calledAt: AgentContactInputSchema.shape.calledAt.describe('when the call was made; default: now'),
  agentId: agentIdField,
});

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })),
  })
  .loose()
  .describe('RFC 9457 problem details');

export const TwilioStatusQuery = z.object({
  wf: z.string().min(1).max(300),
  step: z.string().min(1).max(200).optional(),
  channel: z.enum(['sms', 'whatsapp']).optional(),
});
export const TwilioStatusForm = z
  .object({
    MessageSid: z.string(),
    MessageStatus: z.string(),
    ErrorCode: z.string().optional(),
    To: z.string().optional(),
    From: z.string().optional(),
  })
  .loose();
export const TwilioInboundForm = z
  .object({ MessageSid: z.string(), From: z.string(), To: z.string().optional(), Body: z.string() })
  .loose();
export const SendgridEvents = z.array(
  z
    .object({
      event: z.string(),
      sg_event_id: z.string().optional(),
      sg_message_id: z.string().optional(),
      timestamp: z.number().optional(),
      type: z.string().optional(),
      workflowId: z.string().optional(),
      stepKey: z.string().optional(),
      accountId: z.string().optional(),
    })
    .loose()
);
export const WebhookAck = z.object({
  received: z.number().int(),
  applied: z.number().int(),
  ignored: z.number().int(),
});

// Ladder catalog (api/routes/ladders.ts).

export const LadderIdParams = z.strictObject({ ladderId: LadderIdSchema });
export const LadderVersionParams = z.strictObject({
  ladderId: LadderIdSchema,
  version: z.coerce.number().int().positive(),
});

export const LadderDraftRequest = z.strictObject({
  definition: LadderDefinitionSchema.describe('steps, promise and agreement rules: a ladder without id and version'),
  note: z.string().max(500).optional().describe('what changed and why, for whoever publishes it'),
});

export const RetireLadderRequest = z.strictObject({
  reason: z.string().min(1).max(500).describe('why no new account may be placed on this version'),
});

const LADDER_STATUSES = ['draft', 'published', 'retired'] as const;

export const LadderVersionResponse = z.object({
  ladderId: z.string(),
  version: z.number().int(),
  status: z.enum(LADDER_STATUSES),
  definition: LadderDefinitionSchema,
  note: z.string().optional(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedBy: z.string().optional(),
  publishedAt: z.string().optional(),
  retiredBy: z.string().optional(),
  retiredAt: z.string().optional(),
  retiredReason: z.string().optional(),
});

export const LadderSummary = z.object({
  ladderId: z.string(),
  latestPublished: z.number().int().nullable().describe('what a placement naming only the id runs'),
  draft: z.number().int().nullable().describe('the version the open draft will be published as'),
  versions: z.array(
    z.object({
      version: z.number().int(),
      status: z.enum(LADDER_STATUSES),
      note: z.string().optional(),
      publishedAt: z.string().optional(),
      retiredAt: z.string().optional(),
      retiredReason: z.string().optional(),
    })
  ),
});
export const LadderList = z.object({ ladders: z.array(LadderSummary) });

export const DraftPreviewRequest = z.strictObject({
  accounts: z.array(AccountSchema).min(1).max(50).describe('sample accounts to run the draft against'),
  startAt: z.iso.datetime({ offset: true }).optional().describe('default: now'),
  horizonDays: z.number().int().min(1).max(400).default(60),
});

// Segments (api/routes/segments.ts).

export const SegmentIdParams = z.strictObject({
  segmentId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a kebab-case segment id'),
});
export const SegmentArmParams = SegmentIdParams.extend({ arm: z.coerce.number().int().min(0) });

export const StopArmRequest = z.strictObject({
  revision: z.number().int().positive().describe('the revision whose arm is stopped (refused if rewritten since)'),
  reason: z.string().min(1).max(500),
});

export const SegmentResponse = z.object({
  segmentId: z.string(),
  revision: z.number().int(),
  status: z.enum(['active', 'archived']),
  name: z.string(),
  priority: z.number().int(),
  criteria: z.record(z.string(), z.unknown()),
  arms: z.array(z.object({ ladderId: z.string(), version: z.number().int(), weight: z.number().int() })),
  stoppedArms: z.array(z.object({ arm: z.number().int(), at: z.string(), reason: z.string() })),
  updatedBy: z.string(),
  updatedAt: z.string(),
});

export const AssignRequest = z.strictObject({
  account: AccountSchema,
  segmentation: SegmentationSchema.optional(),
});
