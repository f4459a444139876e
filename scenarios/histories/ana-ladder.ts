import type { Account } from '../../workflows/engine/account';
import { ana } from '../personas';
import { DunningHistory, inputFor, sent } from './dunning-history';

/**
 * Ana López's replay histories, shared by the replay specs (test/replay) and the replay benchmark
 * (bench/workflow-replay.ts). Ana owes MXN 1,500.00 due Tuesday 2026-12-01 in Mexico City (UTC-6 all year); her
 * account's spread puts every 10:00 step at 10:51:01 local.
 */

export const ANA_PAYMENT_LINK = 'https://pagos.example.mx/p/acc-mx-ana-001';

/** What every send to Ana carries, copied by the workflow from her account. */
export const TO_ANA = {
  accountId: 'acc-mx-ana-001',
  locale: 'es-MX',
  jurisdiction: 'MX',
  debtorName: 'Ana López',
  currency: 'MXN',
  paymentLink: ANA_PAYMENT_LINK,
} as const;
export const SMS_TO_ANA = { ...TO_ANA, channel: 'sms', to: '+5215512345678' } as const;
export const EMAIL_TO_ANA = { ...TO_ANA, channel: 'email', to: 'ana.lopez@example.mx' } as const;

/** The unpaid-account agent task the workflow creates for Ana, with the stretch in which she may be called. */
export function agentTaskForAna(call: { opensAt: string; closesAt: string }) {
  return {
    accountId: 'acc-mx-ana-001',
    taskKey: 'agent-task',
    reason: 'agent_call_unpaid',
    template: 'agent_call_unpaid',
    balanceMinor: 150_000,
    currency: 'MXN',
    jurisdiction: 'MX',
    call: { allowed: true, ...call, zone: 'America/Mexico_City' },
  } as const;
}

/** Ana placed on 2026-11-20 at 09:00 local, when her pre-due nudge falls due: 2026-11-28 at 10:51:01 local. */
export function anaAtPreDueNudge(account: Account = ana({ paymentLink: ANA_PAYMENT_LINK })): DunningHistory {
  return new DunningHistory(inputFor(account), '2026-11-20T15:00:00.000Z')
    .task()
    .upsert()
    .record('record decisions before waiting (pre-due nudge: scheduled)')
    .waitUntil('2026-11-28T16:51:01.000Z', 'pre-due nudge: scheduled')
    .fire();
}

/**
 * Ana never pays: placed on 2026-11-20 at 09:00 local, the pre-due nudge, the day-1 SMS, the week-1 email and the
 * agent task (which may call her until 22:00 that day), then the wait for the final notice on 2026-12-31.
 */
export function anaUnpaidUntilFinalNotice(): DunningHistory {
  return anaAtPreDueNudge()
    .send(
      {
        ...SMS_TO_ANA,
        referenceDate: '2026-12-01',
        stepKey: 'pre-due-nudge',
        template: 'pre_due_nudge',
        amountMinor: 150_000,
      },
      'pre-due nudge via sms',
      sent('SM-ana-1')
    )
    .upsert()
    .waitUntil('2026-12-02T16:51:01.000Z', 'day-1 SMS: scheduled')
    .fire()
    .send(
      {
        ...SMS_TO_ANA,
        referenceDate: '2026-12-01',
        stepKey: 'day-1-sms',
        template: 'day_1_reminder',
        amountMinor: 150_000,
      },
      'day-1 SMS via sms',
      sent('SM-ana-2')
    )
    .upsert()
    .waitUntil('2026-12-08T15:51:01.000Z', 'week-1 email: scheduled')
    .fire()
    .send(
      {
        ...EMAIL_TO_ANA,
        referenceDate: '2026-12-01',
        stepKey: 'week-1-email',
        template: 'week_1_notice',
        amountMinor: 150_000,
      },
      'week-1 email via email',
      sent('em-ana-3', 'email')
    )
    .upsert()
    .waitUntil('2026-12-15T15:51:01.000Z', 'agent task: scheduled')
    .fire()
    .agentTask(
      agentTaskForAna({ opensAt: '2026-12-15T15:51:01.000Z', closesAt: '2026-12-16T04:00:00.000Z' }),
      'agent task: agent task',
      { taskId: 'task-901', created: true }
    )
    .upsert()
    .waitUntil('2026-12-31T15:51:01.000Z', 'final notice: scheduled');
}
