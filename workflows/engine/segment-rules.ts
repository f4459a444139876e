import { z } from 'zod';
import type { Account } from './account';
import { contactPolicyFor } from './jurisdictions';
import { LadderIdSchema } from './ladder';
import { localParts } from './zoned-time';

/**
 * Segments: rules that pick the ladder an account is placed on from what the backend knows of it. Pure, and tested
 * without a database: the placement (api/placement.ts) evaluates them, db/repositories/segments.ts stores them.
 */

const range = (what: string) =>
  z
    .strictObject({ min: z.number().int().optional(), max: z.number().int().optional() })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
      message: `${what}: min must not exceed max`,
      path: ['max'],
    })
    .describe(`${what}: from min (inclusive) to max (inclusive); either may be absent`);

/** What the backend tells about an account beyond the account itself, for segmentation only (never sent on). */
export const SegmentationSchema = z.strictObject({
  tags: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'expected a lower-case tag'))
    .max(20)
    .default([]),
  riskScore: z.number().int().min(0).max(1000).optional().describe('the backend’s own score, 0–1000'),
});
export type Segmentation = z.infer<typeof SegmentationSchema>;

/** Every criterion given must hold (and); an absent criterion matches every account. */
export const SegmentCriteriaSchema = z
  .strictObject({
    jurisdictions: z.array(z.string().min(2)).min(1).optional(),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    balanceMinor: range('balance in minor units of `currency`').optional(),
    daysPastDue: range('days past due, in the debtor’s local date').optional(),
    riskScore: range('risk score').optional(),
    anyTag: z.array(z.string().min(1)).min(1).optional().describe('the account carries at least one of these tags'),
  })
  .refine((c) => c.balanceMinor === undefined || c.currency !== undefined, {
    message: 'a balance band needs its currency',
    path: ['currency'],
  });
export type SegmentCriteria = z.infer<typeof SegmentCriteriaSchema>;

/** One arm: a published ladder version and its share of the segment's new accounts, in percent. */
export const SegmentArmSchema = z.strictObject({
  ladderId: LadderIdSchema,
  version: z.number().int().positive(),
  weight: z.number().int().min(1).max(100),
});

export const SegmentDefinitionSchema = z
  .strictObject({
    name: z.string().min(1).max(120),
    /** Lower first: the first active segment an account matches decides. */
    priority: z.number().int().min(0).max(1_000_000),
    criteria: SegmentCriteriaSchema,
    /** One arm routes the segment to a ladder; two or more split it (an experiment with fixed weights). */
    arms: z.array(SegmentArmSchema).min(1).max(6),
  })
  .superRefine((s, ctx) => {
    const total = s.arms.reduce((sum, a) => sum + a.weight, 0);
    if (total !== 100) ctx.addIssue({ code: 'custom', path: ['arms'], message: `weights sum to ${total}, not 100` });
    const seen = new Set<string>();
    s.arms.forEach((a, i) => {
      const key = `${a.ladderId}@${a.version}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['arms', i], message: `${key} is already an arm` });
      seen.add(key);
    });
  });
export type SegmentDefinition = z.infer<typeof SegmentDefinitionSchema>;

/** A stored segment: its definition at a revision, and the arms stopped since (by hand or by a guard-rail). */
export interface Segment extends SegmentDefinition {
  segmentId: string;
  /** Bumped by every rewrite of the definition: assignment hashes it, so a new split starts afresh. */
  revision: number;
  stoppedArms: { arm: number; at: string; reason: string }[];
}

export interface Assignment {
  segmentId: string;
  revision: number;
  arm: number;
  ladder: { id: string; version: number };
  /** Why: the criteria that matched and, in an experiment, the arm's share and the account's draw. */
  reason: string;
}

const DAY_MS = 86_400_000;

/** Days past due in the debtor's local date (the jurisdiction's first zone when the debtor's is unknown). */
function daysPastDue(account: Account, now: number): number {
  const zone = account.debtor.timezone ?? contactPolicyFor(account.debtor.jurisdiction)?.zones[0] ?? 'UTC';
  const today = localParts(zone, now).date;
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${account.dueDate}T00:00:00Z`)) / DAY_MS);
}

const within = (r: { min?: number; max?: number }, x: number) =>
  (r.min === undefined || x >= r.min) && (r.max === undefined || x <= r.max);
const show = (r: { min?: number; max?: number }) => `[${r.min ?? '…'}, ${r.max ?? '…'}]`;

/** The criteria an account meets, each as a phrase; undefined when one fails. */
export function matchCriteria(
  c: SegmentCriteria,
  account: Account,
  seg: Segmentation,
  now: number
): string[] | undefined {
  const met: string[] = [];
  if (c.jurisdictions) {
    if (!c.jurisdictions.includes(account.debtor.jurisdiction)) return undefined;
    met.push(`jurisdiction ${account.debtor.jurisdiction}`);
  }
  if (c.currency) {
    if (account.balance.currency !== c.currency) return undefined;
    met.push(`currency ${c.currency}`);
  }
  if (c.balanceMinor) {
    if (!within(c.balanceMinor, account.balance.amountMinor)) return undefined;
    met.push(`balance ${account.balance.amountMinor} in ${show(c.balanceMinor)}`);
  }
  if (c.daysPastDue) {
    const d = daysPastDue(account, now);
    if (!within(c.daysPastDue, d)) return undefined;
    met.push(`${d} days past due in ${show(c.daysPastDue)}`);
  }
  if (c.riskScore) {
    if (seg.riskScore === undefined || !within(c.riskScore, seg.riskScore)) return undefined;
    met.push(`risk score ${seg.riskScore} in ${show(c.riskScore)}`);
  }
  if (c.anyTag) {
    const tag = c.anyTag.find((t) => seg.tags.includes(t));
    if (tag === undefined) return undefined;
    met.push(`tag ${tag}`);
  }
  return met;
}

/** FNV-1a over the text, as a fraction in [0, 1): the same account always draws the same number in a split. */
export function draw(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

/**
 * The ladder the first matching segment gives the account, or undefined when none matches (or the matching one has
 * every arm stopped). In a split, the account's draw picks an arm by the weights of the arms still running: a
 * stopped arm's share goes to the others in proportion, and an account keeps its arm while the split is unchanged.
 */
export function assignLadder(
  segments: readonly Segment[],
  account: Account,
  seg: Segmentation,
  now: number
): Assignment | undefined {
  const ordered = [...segments].sort((a, b) => a.priority - b.priority || a.segmentId.localeCompare(b.segmentId));
  for (const s of ordered) {
    const met = matchCriteria(s.criteria, account, seg, now);
    if (!met) continue;
    const stopped = new Set(s.stoppedArms.map((x) => x.arm));
    const running = s.arms.map((a, arm) => ({ ...a, arm })).filter((a) => !stopped.has(a.arm));
    if (running.length === 0) continue;
    const why = `segment ${s.segmentId} (priority ${s.priority}): ${met.length > 0 ? met.join(', ') : 'every account'}`;
    const total = running.reduce((sum, a) => sum + a.weight, 0);
    const u = draw(`${s.segmentId}:${s.revision}:${account.id}`);
    let cumulative = 0;
    const chosen =
      running.find((a) => {
        cumulative += a.weight / total;
        return u < cumulative;
      }) ?? running[running.length - 1]!;
    const split =
      s.arms.length > 1
        ? `; arm ${chosen.arm} of ${s.arms.length} (${((chosen.weight / total) * 100).toFixed(0)} % of new accounts${
            stopped.size > 0 ? `, ${stopped.size} stopped` : ''
          }), draw ${u.toFixed(4)}`
        : '';
    return {
      segmentId: s.segmentId,
      revision: s.revision,
      arm: chosen.arm,
      ladder: { id: chosen.ladderId, version: chosen.version },
      reason: why + split,
    };
  }
  return undefined;
}
