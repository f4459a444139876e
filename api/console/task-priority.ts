import type { AgentTaskView } from '../store';

export type PriorityBand = 'high' | 'medium' | 'low';

/** Reasons that mean a broken commitment: the debtor said they would pay and did not. */
const BROKEN_COMMITMENT = /broken|missed/;

/**
 * How urgent a task is, as a score and a band. Broken promises and missed installments come first (the debtor is
 * reachable and committed once); then a task whose call window is open now (it can be worked this minute); then
 * larger balances (log-scaled, so currencies with big nominal amounts do not swamp the rest). Ties go to the oldest.
 */
export function taskPriority(task: AgentTaskView, now: number): { score: number; band: PriorityBand } {
  let score = 0;
  if (BROKEN_COMMITMENT.test(task.reason)) score += 50;
  const call = task.call;
  if (call?.allowed && Date.parse(call.opensAt) <= now && now < Date.parse(call.closesAt)) score += 30;
  if (call && !call.allowed) score -= 20;
  score += Math.min(20, Math.round(Math.log10(Math.max(1, task.balance.amountMinor)) * 2));
  const band: PriorityBand = score >= 60 ? 'high' : score >= 30 ? 'medium' : 'low';
  return { score, band };
}

/** Open work first, most urgent first, then the oldest. */
export function byPriority(tasks: readonly AgentTaskView[], now: number): AgentTaskView[] {
  const statusRank = { open: 0, claimed: 1, done: 2 } as const;
  return [...tasks].sort(
    (a, b) =>
      statusRank[a.status] - statusRank[b.status] ||
      taskPriority(b, now).score - taskPriority(a, now).score ||
      Date.parse(a.createdAt) - Date.parse(b.createdAt)
  );
}
