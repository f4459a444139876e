import type { AccountRecordChange } from './activity-contracts';
import type { EngineEvent } from './engine/apply';
import { SELF_SERVICE_ACTOR } from './engine/account-events';
import { actedRecordOf } from './engine/apply-outcomes';
import type { EventOf } from './engine/event';
import type { EngineState } from './engine/state';
import { accountStatus } from './engine/status';
import type { DecisionRecord } from './engine/decision-record';

export type AuditChange = Extract<AccountRecordChange, { type: 'audit' }>;

/**
 * What an event changed, as rows for the system of record: the audit trail of every decision, plus payments,
 * promises, agreements, consent and status. Pure, so the workflow only has to hand the list to one activity.
 */
export function recordChanges(
  prev: EngineState,
  next: EngineState,
  event: EngineEvent,
  records: readonly DecisionRecord[]
): AccountRecordChange[] {
  const changes: AccountRecordChange[] = [];
  const actor = actorOf(event);
  // An action's outcome is written by the acting activity (sendMessage, createAgentTask) with actedAudit below, at
  // the instant it reports, which is the event's: the workflow need not schedule a record activity after every step.
  for (const r of event.type === 'actionSucceeded' ? [] : records) changes.push(auditOf(r, actor));
  if (event.type === 'payment' && next.paymentIds.length > prev.paymentIds.length) {
    changes.push({
      type: 'payment',
      paymentId: event.paymentId,
      amountMinor: event.amountMinor,
      paidAt: event.paidAt ?? new Date(event.at).toISOString(),
      balanceAfterMinor: next.balanceMinor,
    });
  }
  if (next.promises !== prev.promises) {
    for (const p of next.promises) {
      const before = prev.promises.find((x) => x.promiseId === p.promiseId);
      if (!before || before.status !== p.status) {
        changes.push({
          type: 'promise',
          promiseId: p.promiseId,
          amountMinor: p.amountMinor,
          date: p.date,
          agentId: p.agentId,
          status: p.status,
        });
      }
    }
  }
  if (next.agreement && next.agreement !== prev.agreement) {
    const a = next.agreement;
    changes.push({
      type: 'agreement',
      agreementId: a.agreementId,
      agentId: a.agentId,
      installments: a.installments.map(({ dueDate, amountMinor }) => ({ dueDate, amountMinor })),
      status: a.status,
    });
  }
  if (event.type === 'optOut')
    changes.push({
      type: 'optOut',
      channel: event.channel,
      source: event.source,
      ...(event.actor !== undefined && { actor: event.actor }),
      ...(event.keyword !== undefined && { keyword: event.keyword }),
      ...(event.receivedAt !== undefined && { receivedAt: event.receivedAt }),
    });
  const status = accountStatus(next);
  const credit = next.creditMinor ?? 0;
  if (status !== accountStatus(prev) || next.balanceMinor !== prev.balanceMinor || credit !== (prev.creditMinor ?? 0)) {
    changes.push({
      type: 'status',
      status,
      balanceMinor: next.balanceMinor,
      ...(credit > 0 && { creditMinor: credit }),
    });
  }
  return changes;
}

function actorOf(event: EngineEvent): string {
  switch (event.type) {
    case 'promise':
    case 'agreement':
      // Taken on the debtor's own page (api/self-service): the debtor, not an agent.
      return event.agentId === SELF_SERVICE_ACTOR ? 'debtor:self-service' : `agent:${event.agentId}`;
    case 'optOut':
      return event.actor !== undefined ? `${event.source}:${event.actor}` : `debtor:${event.source}`;
    case 'agentContact':
      return `agent:${event.agentId}`;
    case 'payment':
    case 'cancel':
    case 'disputeOpened':
    case 'disputeResolved':
      return 'backend';
    case 'deliveryStatus':
      return 'provider';
    default:
      return 'workflow';
  }
}

/**
 * The audit row of an action carried out, as the acting activity writes it: the engine's own record of it
 * (actedRecordOf) at the instant the activity reports, with what only the activity knows (the provider's message id),
 * keyed by the action (`acted:<key>`) so a retried or deduplicated attempt appends nothing twice.
 */
export function actedAudit(
  outcome: Pick<EventOf<'actionSucceeded'>, 'stepKey' | 'channel' | 'taskId'>,
  at: string,
  key: string,
  extra: Record<string, unknown> = {}
): AuditChange {
  const row = auditOf({ ...actedRecordOf(outcome), at }, 'workflow');
  return { ...row, data: { ...row.data, ...extra }, key: `acted:${key}` };
}

/** One decision as a row of the audit trail. */
export function auditOf(r: DecisionRecord, actor: string): AuditChange {
  return {
    type: 'audit',
    at: r.at,
    actor,
    action: `${r.step}:${r.outcome}`,
    reason: r.reason,
    data: {
      ...(r.rule !== undefined && { rule: r.rule }),
      ...(r.movedTo !== undefined && { movedTo: r.movedTo }),
      ...(r.detail !== undefined && { detail: r.detail }),
    },
  };
}
