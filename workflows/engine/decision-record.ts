/** A decision the engine took: every action and every non-action carries a machine-readable reason. */
export interface DecisionRecord {
  at: string;
  step: string;
  outcome: 'acted' | 'moved' | 'skipped' | 'suppressed' | 'rejected' | 'recorded';
  /** Machine-readable, e.g. `contact_window`, `frequency_cap`, `superseded`, `channel_opted_out`. */
  reason: string;
  /** The rule that caused a move or a suppression, e.g. `US-FED:12 CFR 1006.6(b)(1)(i)`. */
  rule?: string;
  movedTo?: string;
  detail?: string;
}

/** A note the engine attaches to a decision it plans: every move and every non-action, with its reason. */
export interface DecisionNote {
  at: number;
  step: string;
  outcome: 'moved' | 'skipped' | 'suppressed';
  reason: string;
  rule?: string;
  movedTo?: number;
  detail?: string;
}
