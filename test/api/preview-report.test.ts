import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendMessageInput } from '../../workflows/activity-contracts';
import { createMessagingActivities } from '../../activities/messaging/create-messaging-activities';
import { createLogEmailTransport, createLogSmsTransport } from '../../activities/messaging/log-transport';
import { PREVIEW_UNSUBSCRIBE_URL, PreviewReportSchema, previewReport } from '../../api/preview-report';
import { ana, camila, joao, lucia } from '../../scenarios/personas';
import type { Account } from '../../workflows/engine/account';
import { defaultLadder } from '../../workflows/engine/ladder';
import { openTestLedger, type TestLedger } from '../messaging/contact-attempts';
import { activityEnv } from '../messaging/fixtures';

const horizon = { startAt: '2026-11-20T15:00:00Z', until: '2027-01-31T00:00:00Z' };
const partialPayment = { type: 'payment', at: '2026-12-03T18:00:00Z', paymentId: 'pay-1', amountMinor: 50_000 };

describe('preview report: amounts in the account currency and the debtor locale', () => {
  it('writes each action’s amount beside its minor units, and the final balance beside balanceMinor', () => {
    const r = previewReport({ account: ana(), ...horizon, events: [partialPayment] });
    expect(r.actions.map((a) => [a.step, a.amountMinor, a.amount])).toEqual([
      ['pre-due-nudge', 150_000, '$1,500.00'],
      ['day-1-sms', 150_000, '$1,500.00'],
      ['week-1-email', 100_000, '$1,000.00'],
      ['agent-task', 100_000, '$1,000.00'],
      ['final-notice', 100_000, '$1,000.00'],
      ['ladder-end', 100_000, '$1,000.00'],
    ]);
    expect(r.final).toEqual({
      status: 'exhausted',
      balanceMinor: 100_000,
      balance: '$1,000.00',
      stage: 'final-notice',
    });
  });

  it('reads COP minor units as centavos (ISO 4217 exponent 2): 45 000 000 is $ 450.000, as Camila’s SMS quotes it', () => {
    const r = previewReport({ account: camila(), ...horizon });
    expect(r.actions[0]).toMatchObject({ amountMinor: 45_000_000, amount: '$ 450.000' });
  });

  it('formats euros for Madrid and reais for São Paulo the way their messages do', () => {
    expect(previewReport({ account: lucia(), ...horizon }).final.balance).toBe('320,50 €');
    expect(previewReport({ account: joao(), ...horizon }).final.balance).toBe('R$ 899,90');
  });

  it('an overpayment ends overpaid, with the credit owed back to the debtor beside the zero balance', () => {
    const overpay = { ...partialPayment, amountMinor: 160_000 };
    const r = previewReport({ account: ana(), ...horizon, events: [overpay] });
    expect(r.final).toEqual({
      status: 'overpaid',
      balanceMinor: 0,
      balance: '$0.00',
      creditMinor: 10_000,
      credit: '$100.00',
      stage: 'day-1-sms',
    });
    expect(PreviewReportSchema.parse(r)).toEqual(r);
  });

  it('matches the response schema the API documents, field for field', () => {
    const r = previewReport({ account: camila(), ...horizon, events: [partialPayment] }, { text: true });
    expect(PreviewReportSchema.parse(r)).toEqual(r);
  });
});

/** A real pino logger writing JSON lines into memory, as the worker's would to stdout. */
function pinoLines() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ base: undefined }, sink), lines };
}

describe('preview report: each message’s text, rendered as the send renders it', () => {
  let ledger: TestLedger;
  beforeAll(async () => {
    ledger = await openTestLedger();
  });
  afterAll(() => ledger.close());

  const account: Account = ana({
    paymentLink: 'https://pagos.example.mx/p/acc-mx-ana-001',
    creditor: { name: 'Financiera Aurora' },
  });
  const report = previewReport({ account, ...horizon, events: [partialPayment] }, { text: true });

  it('gives no text unless asked for', () => {
    const plain = previewReport({ account, ...horizon, events: [partialPayment] });
    expect(plain.actions.filter((a) => a.text !== undefined)).toEqual([]);
  });

  it('gives a text to messages only, not to the agent task or the ladder’s end', () => {
    expect(report.actions.map((a) => [a.step, a.text !== undefined])).toEqual([
      ['pre-due-nudge', true],
      ['day-1-sms', true],
      ['week-1-email', true],
      ['agent-task', false],
      ['final-notice', true],
      ['ladder-end', false],
    ]);
  });

  it('is, to the character, what the send activity hands its transport (SMS body; email subject and text)', async () => {
    const { logger, lines } = pinoLines();
    const activities = createMessagingActivities({
      sms: createLogSmsTransport(logger, 'sms'),
      whatsapp: createLogSmsTransport(logger, 'whatsapp'),
      email: createLogEmailTransport(logger),
      attempts: ledger.store,
      publicBaseUrl: 'https://cobranza.example.mx',
      unsubscribeSecret: 'preview-spec-unsubscribe-secret-0123456789',
      logger,
    });
    for (const action of report.actions.filter((a) => a.kind === 'message')) {
      // The input the workflow gives sendMessage for this action (workflows/dunning-workflow.ts).
      const input: SendMessageInput = {
        accountId: account.id,
        stepKey: action.step,
        channel: action.channel!,
        template: action.template,
        to: action.to!,
        locale: account.debtor.locale,
        jurisdiction: report.account.jurisdiction,
        debtorName: account.debtor.name,
        amountMinor: action.amountMinor,
        currency: account.balance.currency,
        referenceDate: action.referenceDate,
        paymentLink: account.paymentLink!,
        creditor: account.creditor!,
      };
      await activityEnv(`dunning-${account.id}`).run(activities.sendMessage, input);
      const logged = lines.filter((l) => String(l.msg).includes('NOT SENT')).at(-1)!;
      expect(logged.stepKey).toBe(action.step);
      if (action.channel === 'email') {
        const signed = logged.unsubscribeUrl as string;
        expect(action.text).toEqual({
          locale: 'es-MX',
          subject: logged.subject,
          text: (logged.text as string).replace(signed, PREVIEW_UNSUBSCRIBE_URL),
          unsubscribeUrl: PREVIEW_UNSUBSCRIBE_URL,
        });
      } else {
        expect(action.text).toEqual({ locale: 'es-MX', body: logged.body });
      }
    }
    expect(lines.filter((l) => String(l.msg).includes('NOT SENT'))).toHaveLength(4);
  });

  it('quotes the amount the action quotes: the week-1 email asks for the 1 000,00 left after the payment', () => {
    const email = report.actions.find((a) => a.step === 'week-1-email')!;
    expect(email.text).toMatchObject({
      subject: 'Aviso: tu pago de $1,000.00 está vencido desde el 1 de diciembre de 2026',
    });
  });

  it('links emails to a placeholder unsubscribe URL, since each send signs its own', () => {
    const email = report.actions.find((a) => a.step === 'week-1-email')!;
    expect(email.text).toMatchObject({ unsubscribeUrl: 'https://example.invalid/unsubscribe' });
    expect((email.text as { text: string }).text).toMatch(
      /date de baja aquí: https:\/\/example\.invalid\/unsubscribe$/
    );
  });

  it('refuses a Brazilian scenario whose creditor lacks address and CPF/CNPJ, as placement does (CDC art. 42-A)', () => {
    const account = joao({ creditor: { name: 'Loja Exemplo Ltda' } });
    expect(() => previewReport({ account, ...horizon }, { text: true })).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ path: ['account', 'creditor', 'address'] }),
          expect.objectContaining({ path: ['account', 'creditor', 'taxId'] }),
        ],
      })
    );
  });

  it('shows why a message cannot be built, as the send would fail: a custom ladder’s template missing from the catalog', () => {
    const ladder = {
      ...defaultLadder,
      id: 'cobranza-suave',
      steps: defaultLadder.steps.map((step) =>
        step.id === 'day-1-sms' ? { ...step, template: 'recordatorio_suave' } : step
      ),
    };
    const r = previewReport({ account, ...horizon, ladder }, { text: true });
    expect(r.actions.find((a) => a.step === 'day-1-sms')!.text).toEqual({
      problem: { code: 'unknown_template', message: 'no message template "recordatorio_suave"' },
    });
    expect(r.actions.find((a) => a.step === 'pre-due-nudge')!.text).toHaveProperty('body');
  });
});
