/**
 * How an account stands: open (active, promise_open, in_agreement, disputed, ceased, with_agent) or closed (paid,
 * overpaid, settled, cancelled, dispute_upheld, exhausted, external_agency). The engine's own vocabulary: the
 * `status` query, the search attributes and the preview all speak it.
 */
export type AccountStatus =
  | 'active'
  | 'promise_open'
  | 'in_agreement'
  | 'disputed'
  | 'paid'
  | 'overpaid'
  | 'settled'
  | 'cancelled'
  | 'ceased'
  | 'dispute_upheld'
  | 'exhausted'
  | 'external_agency'
  | 'with_agent';
