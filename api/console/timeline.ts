import type { AuditEventRecord } from '../../db/repositories/audit-events';

/** One line of an account's story, as the account page shows it. */
export interface TimelineEntry {
  at: Date;
  /** `workflow`, an agent's id, `debtor`, `api`. */
  actor: string;
  /** The step and what became of it (`day-1-sms: moved`), or what a person did (`promise recorded`). */
  what: string;
  /** The engine's reason code and its detail, e.g. `public_holiday · 2026-12-08`. */
  why: string;
  /** The rule behind a move or a suppression, e.g. `CO:Ley 2300 de 2023 art. 3`. */
  rule?: string;
}

/**
 * The audit log as a timeline, newest first: every send and every non-send the workflow decided, with its reason and
 * rule, and every action of an agent or of the debtor.
 */
export function timelineOf(events: readonly AuditEventRecord[]): TimelineEntry[] {
  return [...events]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id)
    .map((e) => {
      const data = e.data ?? {};
      const rule = typeof data.rule === 'string' ? data.rule : undefined;
      const detail = typeof data.detail === 'string' ? data.detail : typeof data.note === 'string' ? data.note : '';
      return {
        at: e.at,
        actor: e.actor,
        what: e.action.replace(/:/, ': ').replace(/_/g, ' '),
        why: [e.reason, detail].filter(Boolean).join(' · '),
        ...(rule !== undefined && { rule }),
      };
    });
}
