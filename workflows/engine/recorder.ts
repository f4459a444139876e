import type { DecisionNote, DecisionRecord } from './decision-record';

/** The records one event writes: each at the event's instant, unless it names its own. */
export interface Recorder {
  /** The event's instant. */
  readonly at: number;
  readonly records: DecisionRecord[];
  record(r: Omit<DecisionRecord, 'at'> & { at?: string }): void;
  /** A note `next` attached to the decision being carried out, as a record at the note's own instant. */
  note(n: DecisionNote): void;
}

export function recorderAt(at: number): Recorder {
  const records: DecisionRecord[] = [];
  return {
    at,
    records,
    record: (r) => records.push({ at: iso(at), ...r }),
    note: (n) =>
      records.push({
        at: iso(n.at),
        step: n.step,
        outcome: n.outcome,
        reason: n.reason,
        ...(n.rule !== undefined && { rule: n.rule }),
        ...(n.movedTo !== undefined && { movedTo: iso(n.movedTo) }),
        ...(n.detail !== undefined && { detail: n.detail }),
      }),
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
