import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import { OPT_OUT_SOURCES } from '../workflows/engine/account-events';

/**
 * Hand-written table interfaces for db/migrations. bigint columns arrive as JS numbers because database.ts
 * registers an int8 parser on both backends (it throws beyond Number.MAX_SAFE_INTEGER rather than round);
 * date columns arrive as the 'YYYY-MM-DD' string PostgreSQL sent, never as a local-midnight Date.
 */

/** A timestamptz: read as Date, written as Date or ISO string, defaulted by the database. */
type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Instant = ColumnType<Date, Date | string, Date | string>;
type NullableInstant = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type ChannelColumn = 'sms' | 'whatsapp' | 'email';
export type ContactAttemptStatusColumn = 'queued' | 'sent' | 'delivered' | 'failed' | 'unknown';
export type PromiseStatus = 'open' | 'kept' | 'broken' | 'cancelled';
export type AgreementStatus = 'active' | 'completed' | 'broken' | 'cancelled';
export type AgentTaskStatus = 'open' | 'claimed' | 'done';
export type OptOutChannel = ChannelColumn | 'call' | 'all';
export { OPT_OUT_SOURCES };
export type OptOutSource = (typeof OPT_OUT_SOURCES)[number];

export interface CreditorJson {
  name: string;
  address?: string;
  taxId?: string;
}

export interface AccountsTable {
  id: string;
  debtor_name: string;
  phone: string | null;
  whatsapp: string | null;
  email: string | null;
  jurisdiction: string;
  time_zone: string | null;
  locale: string;
  balance_minor: number;
  /** Paid above the balance: money owed back to the debtor (never a negative balance). */
  credit_minor: ColumnType<number, number | undefined, number>;
  currency: string;
  due_date: string;
  payment_link: string | null;
  creditor: ColumnType<CreditorJson | null, string | null, string | null>;
  ladder_id: string | null;
  ladder_version: number | null;
  status: Generated<string>;
  workflow_id: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface PaymentsTable {
  id: Generated<string>;
  account_id: string;
  external_payment_id: string;
  amount_minor: number;
  currency: string;
  paid_at: Instant;
  balance_after_minor: number | null;
  recorded_at: CreatedAt;
}

export interface ContactAttemptsTable {
  id: Generated<string>;
  workflow_id: string;
  step_key: string;
  channel: ChannelColumn;
  account_id: string;
  to_address: string;
  template: string;
  provider_message_id: string | null;
  transport: string | null;
  status: Generated<ContactAttemptStatusColumn>;
  error_code: string | null;
  permanent: Generated<boolean>;
  /** When the current or last send lease was taken. */
  sending_since: NullableInstant;
  /** Null: free to send; future: an attempt is sending; past without a provider id: in doubt. */
  lease_until: NullableInstant;
  /** Leases taken so far; the holder's fencing token. */
  send_attempts: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ContactAttemptEventsTable {
  id: Generated<number>;
  attempt_id: string;
  status: ContactAttemptStatusColumn;
  error_code: string | null;
  at: Instant;
  recorded_at: CreatedAt;
}

export interface PromisesTable {
  id: Generated<string>;
  account_id: string;
  promise_id: string;
  amount_minor: number;
  currency: string;
  promised_date: string;
  agent_id: string;
  status: Generated<PromiseStatus>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AgreementsTable {
  id: Generated<string>;
  account_id: string;
  agreement_id: string;
  agent_id: string;
  currency: string;
  status: Generated<AgreementStatus>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AgreementInstallmentsTable {
  agreement_pk: string;
  seq: number;
  due_date: string;
  amount_minor: number;
}

export interface AgentTasksTable {
  id: Generated<string>;
  seq: Generated<number>;
  workflow_id: string;
  task_key: string;
  account_id: string;
  reason: string;
  template: string;
  jurisdiction: string;
  balance_minor: number;
  currency: string;
  status: Generated<AgentTaskStatus>;
  assignee: string | null;
  outcome: string | null;
  note: string | null;
  created_at: CreatedAt;
  claimed_at: NullableInstant;
  completed_at: NullableInstant;
  call_opens_at: NullableInstant;
  call_closes_at: NullableInstant;
  call_zone: string | null;
  call_blocked_reason: string | null;
}

export interface OptOutsTable {
  id: Generated<string>;
  account_id: string;
  channel: OptOutChannel;
  /** '' when the opt-out covers every address of the channel. */
  address: Generated<string>;
  source: OptOutSource;
  keyword: string | null;
  /** Who recorded it: the agent or the back-office user that took the letter or the call. */
  actor: ColumnType<string | null, string | null | undefined, string | null>;
  opted_out_at: Instant;
}

export interface AuditEventsTable {
  id: Generated<number>;
  dedupe_key: string;
  account_id: string | null;
  actor: string;
  action: string;
  reason: string;
  data: ColumnType<Record<string, unknown>, string | undefined, never>;
  at: Instant;
  recorded_at: CreatedAt;
}

export type InboxEventKind = 'placement' | 'payment' | 'opt_out';

/** What the API received for an account before handing it to the workflow (db/repositories/inbox.ts). */
export interface InboxEventsTable {
  id: Generated<number>;
  account_id: string;
  kind: InboxEventKind;
  key: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  received_at: CreatedAt;
  delivered_at: NullableInstant;
  delivery: string | null;
}

export type LadderVersionStatus = 'draft' | 'published' | 'retired';

export interface LadderVersionsTable {
  ladder_id: string;
  version: number;
  status: LadderVersionStatus;
  /** The ladder's definition (LadderDefinition: steps, promise, agreement), without its id and version. */
  definition: ColumnType<unknown, string, string>;
  note: string | null;
  created_by: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  published_by: string | null;
  published_at: NullableInstant;
  retired_by: string | null;
  retired_at: NullableInstant;
  retired_reason: string | null;
}

export interface SegmentsTable {
  segment_id: string;
  revision: number;
  priority: number;
  /** The segment as written (SegmentDefinition: name, priority, criteria, arms). */
  definition: ColumnType<unknown, string, string>;
  /** Arms stopped since the last rewrite: `{ arm, at, reason }[]`. */
  stopped_arms: ColumnType<unknown, string | undefined, string>;
  status: ColumnType<'active' | 'archived', 'active' | 'archived' | undefined, 'active' | 'archived'>;
  updated_by: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AccountAssignmentsTable {
  account_id: string;
  ladder_id: string;
  ladder_version: number;
  assigned_by: 'placement' | 'segment' | 'default';
  segment_id: string | null;
  segment_revision: number | null;
  arm: number | null;
  reason: string;
  assigned_at: CreatedAt;
}

export interface PortfolioHoldsTable {
  hold_id: string;
  query: string;
  reason: string;
  placed_by: string;
  placed_at: CreatedAt;
  released_by: string | null;
  released_at: NullableInstant;
}

export interface Database {
  portfolio_holds: PortfolioHoldsTable;
  ladder_versions: LadderVersionsTable;
  account_assignments: AccountAssignmentsTable;
  segments: SegmentsTable;
  accounts: AccountsTable;
  payments: PaymentsTable;
  contact_attempts: ContactAttemptsTable;
  contact_attempt_events: ContactAttemptEventsTable;
  promises: PromisesTable;
  agreements: AgreementsTable;
  agreement_installments: AgreementInstallmentsTable;
  agent_tasks: AgentTasksTable;
  opt_outs: OptOutsTable;
  audit_events: AuditEventsTable;
  inbox_events: InboxEventsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type NewPaymentRow = Insertable<PaymentsTable>;
export type ContactAttemptRow = Selectable<ContactAttemptsTable>;
export type NewContactAttemptRow = Insertable<ContactAttemptsTable>;
export type ContactAttemptEventRow = Selectable<ContactAttemptEventsTable>;
export type PromiseRow = Selectable<PromisesTable>;
export type NewPromiseRow = Insertable<PromisesTable>;
export type AgreementRow = Selectable<AgreementsTable>;
export type AgreementInstallmentRow = Selectable<AgreementInstallmentsTable>;
export type AgentTaskRow = Selectable<AgentTasksTable>;
export type NewAgentTaskRow = Insertable<AgentTasksTable>;
export type OptOutRow = Selectable<OptOutsTable>;
export type NewOptOutRow = Insertable<OptOutsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type LadderVersionRow = Selectable<LadderVersionsTable>;
export type NewAuditEventRow = Insertable<AuditEventsTable>;
