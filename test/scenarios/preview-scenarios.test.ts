import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewCommand } from '../../cli/preview-command';
import * as personas from '../../scenarios/personas';
import { previewScenarioFiles } from '../../scenarios/preview-scenarios';
import type { Account } from '../../workflows/engine/account';
import { SUPPORTED_JURISDICTIONS } from '../../workflows/engine/jurisdictions';
import { PreviewScenarioSchema } from '../../workflows/engine/preview';

interface Report {
  account: { jurisdiction: string };
  actions: {
    at: string;
    step: string;
    kind: string;
    channel?: string;
    reason?: string;
    amountMinor: number;
    text?: { problem?: unknown };
  }[];
  suppressed: { step: string; reason: string }[];
  skipped: { step: string; reason: string; detail?: string }[];
  rejected: unknown[];
  final: { status: string; balanceMinor: number };
}

/** What `cobranza preview --text <file>` prints for the file, parsed. */
function preview(file: string): Report {
  let out = '';
  previewCommand(['--text', file], { stdout: (s) => (out += s), stdinText: () => '' });
  return JSON.parse(out) as Report;
}

const files = previewScenarioFiles();
const named = (name: string) => files.find((f) => path.basename(f) === `${name}.json`)!;
const byName = (name: string) => preview(named(name));

const PERSONAS: Account[] = [
  personas.ana(),
  personas.camila(),
  personas.joao(),
  personas.lucia(),
  personas.emily('US'),
  personas.sofia(),
  personas.keoni(),
];

describe('the preview scenario files (scenarios/previews)', () => {
  it.each(files.map((f) => [path.basename(f), f]))(
    '%s is a valid scenario that previews with every message rendered and no event refused',
    (_name, file) => {
      expect(() => PreviewScenarioSchema.parse(JSON.parse(readFileSync(file, 'utf8')))).not.toThrow();
      const report = preview(file);
      expect(report.rejected).toEqual([]);
      const messages = report.actions.filter((a) => a.kind === 'message');
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(m.text, `${m.step}: ${JSON.stringify(m.text)}`).not.toHaveProperty('problem');
    }
  );

  it.each(files.map((f) => [path.basename(f), f]))('%s is about one of the shared personas', (_name, file) => {
    const { account } = JSON.parse(readFileSync(file, 'utf8')) as { account: Account };
    const persona = PERSONAS.find((p) => p.debtor.name === account.debtor.name);
    expect(persona, account.debtor.name).toBeDefined();
    // Emily Carter is one person under three sets of rules: the jurisdiction is the scenario's.
    expect(account.debtor).toEqual({ ...persona!.debtor, jurisdiction: account.debtor.jurisdiction });
    expect(account.creditor).toEqual(persona!.creditor);
  });

  it('covers every supported jurisdiction, and two states under the federal rules', () => {
    const jurisdictions = files.map((f) => preview(f).account.jurisdiction);
    expect(new Set(jurisdictions)).toEqual(new Set([...SUPPORTED_JURISDICTIONS, 'US-CA', 'US-HI']));
  });
});

describe('the event-rich preview scenarios show what they are named for', () => {
  it('a partial payment: Camila pays COP 150,000.00 by PSE and the later messages quote the remaining 300,000.00', () => {
    const r = byName('co-camila-partial-payment');
    const after = r.actions.filter((a) => a.kind === 'message' && a.at > '2026-12-03T18:00:00Z');
    expect(after.map((a) => [a.step, a.amountMinor])).toEqual([
      ['week-1-email', 30_000_000],
      ['final-notice', 30_000_000],
    ]);
    expect(r.final).toMatchObject({ status: 'exhausted', balanceMinor: 30_000_000 });
  });

  it('a promise kept: Ana’s promise holds the week-1 email, and her payment before the date closes the account as paid', () => {
    const r = byName('mx-ana-promise-kept');
    expect(r.suppressed).toEqual([expect.objectContaining({ step: 'week-1-email', reason: 'held_by_promise' })]);
    expect(r.actions.map((a) => a.step)).toContain('promise-reminder:ptp-ana-1');
    expect(r.final).toMatchObject({ status: 'paid', balanceMinor: 0 });
  });

  it('a promise broken: an agent task for the broken promise, then the ladder resumes with the held email', () => {
    const r = byName('mx-ana-promise-broken');
    const steps = r.actions.map((a) => a.step);
    expect(r.actions).toContainEqual(
      expect.objectContaining({ step: 'promise-broken:ptp-ana-1', kind: 'agent_task', reason: 'promise_broken' })
    );
    expect(steps.indexOf('week-1-email')).toBeGreaterThan(steps.indexOf('promise-broken:ptp-ana-1'));
  });

  it('an agreement with a missed installment: reminders for two installments, then the agreement is broken', () => {
    const r = byName('co-camila-agreement-missed-installment');
    expect(r.actions.map((a) => a.step).filter((step) => step.includes('agr-camila-1'))).toEqual([
      'installment-reminder:agr-camila-1:1',
      'installment-reminder:agr-camila-1:2',
      'agreement-broken:agr-camila-1',
    ]);
    expect(r.suppressed.map((s) => s.reason)).toContain('held_by_agreement');
    expect(r.final.balanceMinor).toBe(30_000_000);
  });

  it('a dispute: João’s open dispute holds the week-1 email and the agent task until it is rejected', () => {
    const r = byName('br-joao-dispute');
    expect(r.suppressed.map((s) => `${s.step}:${s.reason}`)).toEqual([
      'week-1-email:held_by_dispute',
      'agent-task:held_by_dispute',
    ]);
    // Rejected on 18 December: the email goes after that, and the ladder runs to its end.
    expect(r.actions.find((a) => a.step === 'week-1-email')!.at > '2026-12-18T17:00:00Z').toBe(true);
    expect(r.final.status).toBe('exhausted');
  });

  it('an opt-out: after STOP the day-1 SMS goes by email, and a later cease request ends every contact', () => {
    const r = byName('us-ma-emily-opt-out');
    expect(r.actions.find((a) => a.step === 'day-1-sms')?.channel).toBe('email');
    expect(r.skipped).toContainEqual(expect.objectContaining({ step: 'day-1-sms', reason: 'channel_opted_out' }));
    expect(r.final.status).toBe('ceased');
  });

  it('a late placement: Lucía is placed on 20 December, so the pre-due nudge and the day-1 SMS are superseded', () => {
    const r = byName('es-lucia-late-placement');
    expect(r.skipped.map((s) => `${s.step}:${s.reason}`)).toEqual(['pre-due-nudge:superseded', 'day-1-sms:superseded']);
    expect(r.actions[0]?.step).toBe('week-1-email');
  });
});
