import type { DecisionRecord } from './decision-record';
import { formatLocalIso } from './zoned-time';

/** One hop of a move: the rule that pushed a step from one instant to a later one. */
export interface PreviewMoveHop {
  at: string;
  local: string;
  movedTo: string;
  movedToLocal: string;
  reason: string;
  rule?: string;
  detail?: string;
}

/** A step moved from its planned instant to the instant it runs, by one or more rules in the order they applied. */
export interface PreviewMove {
  step: string;
  from: string;
  fromLocal: string;
  to: string;
  toLocal: string;
  reasons: string[];
  /** The rule of each hop, in order (every move names its rule, so this runs beside `reasons`). */
  rules: string[];
  moves: PreviewMoveHop[];
}

/** A step not taken (skipped) or held back (suppressed), with the reason and rule the engine recorded. */
export interface PreviewNote {
  step: string;
  at: string;
  local: string;
  reason: string;
  rule?: string;
  detail?: string;
}

/** A signal (promise, agreement, dispute resolution) the engine refused, and why. */
export interface PreviewRejection {
  /** The signal refused, e.g. `promiseToPay`. */
  step: string;
  at: string;
  local: string;
  reason: string;
  detail?: string;
}

export interface PreviewDecisions {
  moved: PreviewMove[];
  suppressed: PreviewNote[];
  skipped: PreviewNote[];
  rejected: PreviewRejection[];
}

export function emptyDecisions(): PreviewDecisions {
  return { moved: [], suppressed: [], skipped: [], rejected: [] };
}

/**
 * Sorts the records of one `apply` into the preview's lists by the outcome the engine gave them (the engine decides
 * what a suppression is; the preview only files it). Consecutive moves of one step that continue each other (each
 * starts where the last one ended) are one move from the planned instant to the final one.
 */
export function fileDecisions(into: PreviewDecisions, records: readonly DecisionRecord[], zone: string): void {
  const local = (iso: string) => formatLocalIso(zone, Date.parse(iso));
  let chain: PreviewMove | undefined;
  for (const r of records) {
    const optional = {
      ...(r.rule !== undefined && { rule: r.rule }),
      ...(r.detail !== undefined && { detail: r.detail }),
    };
    if (r.outcome === 'moved' && r.movedTo !== undefined) {
      const hop: PreviewMoveHop = {
        at: r.at,
        local: local(r.at),
        movedTo: r.movedTo,
        movedToLocal: local(r.movedTo),
        reason: r.reason,
        ...optional,
      };
      if (chain && chain.step === r.step && Date.parse(chain.to) === Date.parse(r.at)) {
        chain.to = hop.movedTo;
        chain.toLocal = hop.movedToLocal;
      } else {
        chain = {
          step: r.step,
          from: hop.at,
          fromLocal: hop.local,
          to: hop.movedTo,
          toLocal: hop.movedToLocal,
          reasons: [],
          rules: [],
          moves: [],
        };
        into.moved.push(chain);
      }
      chain.reasons.push(hop.reason);
      if (hop.rule !== undefined) chain.rules.push(hop.rule);
      chain.moves.push(hop);
      continue;
    }
    chain = undefined;
    const note = { step: r.step, at: r.at, local: local(r.at), reason: r.reason, ...optional };
    if (r.outcome === 'suppressed') into.suppressed.push(note);
    else if (r.outcome === 'skipped') into.skipped.push(note);
    else if (r.outcome === 'rejected') {
      const { rule: _rule, ...rejection } = note;
      into.rejected.push(rejection);
    }
  }
}
