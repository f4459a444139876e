import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ana, camila } from '../../scenarios/personas';

const bin = join(__dirname, '../../bin/cobranza.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'cobranza-cli-'));

function cobranza(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: join(scratch, 'data'),
    ...opts.env,
  };
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    env,
    timeout: 60_000,
  });
}

const scenario = {
  account: ana({ id: 'acc-1', paymentLink: 'https://pay.example.com/acc-1' }),
  startAt: '2026-11-20T15:00:00Z',
  until: '2027-02-01T00:00:00Z',
  ladder: null,
  events: [{ at: '2026-12-03T18:00:00Z', type: 'payment', paymentId: 'p-1', amountMinor: 50000 }],
};

describe('cobranza preview', () => {
  it('prints the planned timeline of a scenario file as JSON', () => {
    const file = join(scratch, 'scenario.json');
    writeFileSync(file, JSON.stringify(scenario));
    const run = cobranza(['preview', file]);
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as {
      actions: { step: string; amountMinor: number }[];
      final: { balanceMinor: number };
    };
    expect(out.actions.map((a) => a.step)).toEqual([
      'pre-due-nudge',
      'day-1-sms',
      'week-1-email',
      'agent-task',
      'final-notice',
      'ladder-end',
    ]);
    expect(out.final.balanceMinor).toBe(100000);
  });

  it('writes every amount in the account currency beside its minor units, and the final balance', () => {
    const run = cobranza(['preview', '-'], { input: JSON.stringify(scenario) });
    const out = JSON.parse(run.stdout) as {
      actions: { step: string; amountMinor: number; amount: string }[];
      final: { balanceMinor: number; balance: string };
    };
    expect(out.actions.slice(0, 3).map((a) => `${a.step} ${a.amountMinor} ${a.amount}`)).toEqual([
      'pre-due-nudge 150000 $1,500.00',
      'day-1-sms 150000 $1,500.00',
      'week-1-email 100000 $1,000.00',
    ]);
    expect(out.final).toMatchObject({ balanceMinor: 100000, balance: '$1,000.00' });
  });

  it('lists moves, suppressions, skips and rejected events apart: a festivo, a late nudge, a promise too far, a cease request', () => {
    const colombia = {
      ...scenario,
      account: camila(),
      startAt: '2026-12-02T13:00:00Z',
      events: [
        { at: '2026-12-20T15:00:00Z', type: 'promise', amountMinor: 45000000, date: '2027-06-01', agentId: 'agt-1' },
        { at: '2026-12-21T15:00:00Z', type: 'optOut', channel: 'all' },
      ],
    };
    const run = cobranza(['preview', '-'], { input: JSON.stringify(colombia) });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, { step: string; reason?: string; reasons?: string[] }[]>;
    expect(out.moved!.map((m) => `${m.step}: ${m.reasons!.join(', ')}`)).toEqual([
      'week-1-email: public_holiday, contact_window, distinct_channels',
    ]);
    expect(out.skipped!.map((x) => `${x.step}: ${x.reason}`)).toEqual(['pre-due-nudge: due_date_passed']);
    expect(out.rejected!.map((x) => `${x.step}: ${x.reason}`)).toEqual(['promiseToPay: invalid_signal']);
    expect(out.suppressed!.map((x) => `${x.step}: ${x.reason}`)).toEqual(['final-notice: cease_communication']);
  });

  it('adds each message’s rendered text with --text: the SMS body, the email’s subject and text', () => {
    const run = cobranza(['preview', '--text', '-'], { input: JSON.stringify(scenario) });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { actions: { step: string; text?: Record<string, string> }[] };
    expect(out.actions[1]!.text!.body).toBe(
      'Hola Ana López, tu pago de $1,500.00 venció el 01/12/2026 y sigue pendiente. Paga aquí: ' +
        'https://pay.example.com/acc-1 Responde BAJA para no recibir más mensajes.'
    );
    expect(out.actions[2]!.text).toMatchObject({
      subject: 'Aviso: tu pago de $1,000.00 está vencido desde el 1 de diciembre de 2026',
      unsubscribeUrl: 'https://example.invalid/unsubscribe',
    });
    expect(out.actions[3]).not.toHaveProperty('text');
  });

  it.each([['--help'], ['-h']])('prints its usage with the options and exits 0 for %s', (flag) => {
    const run = cobranza(['preview', flag]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: cobranza preview \[--text\] <scenario\.json \| ->/);
    expect(run.stdout).toMatch(/^ {2}--text {6}/m);
    expect(run.stdout).toMatch(/^ {2}-h, --help {2}print this help/m);
    expect(run.stderr).toBe('');
  });

  it('refuses an unknown option with exit code 2, naming it', () => {
    const run = cobranza(['preview', '--txet', '-'], { input: JSON.stringify(scenario) });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^cobranza: preview: unknown option --txet$/m);
    expect(run.stdout).toBe('');
  });

  it('reads the scenario from stdin when given -', () => {
    const run = cobranza(['preview', '-'], { input: JSON.stringify(scenario) });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('final.status', 'exhausted');
  });

  it('names the offending field and exits 2 on invalid input', () => {
    const bad = {
      ...scenario,
      account: { ...scenario.account, debtor: { ...scenario.account.debtor, phone: '5512345678' } },
    };
    const run = cobranza(['preview', '-'], { input: JSON.stringify(bad) });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('account.debtor.phone');
    expect(run.stdout).toBe('');
  });

  it('exits 2 with a clear message when the input is not JSON', () => {
    const run = cobranza(['preview', '-'], { input: '{"account":' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/not valid JSON/);
  });

  it('exits 2 when the scenario file does not exist', () => {
    const run = cobranza(['preview', join(scratch, 'missing.json')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot read .*missing\.json: ENOENT/);
  });

  it('exits 2 on an unknown command', () => {
    const run = cobranza(['prevue']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command prevue');
  });
});

describe('cobranza dev start-up checks', () => {
  it('says in one sentence that no Temporal server answers at TEMPORAL_ADDRESS, and exits non-zero', () => {
    const run = cobranza(['dev'], { env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^cobranza dev: no Temporal server answers at TEMPORAL_ADDRESS=127\.0\.0\.1:1 .*unset TEMPORAL_ADDRESS/m
    );
  });

  it('names the missing provider setting when Twilio credentials are incomplete', () => {
    const run = cobranza(['dev'], { env: { TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000' } });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('TWILIO_AUTH_TOKEN');
  });

  it('refuses an unknown option with exit code 2', () => {
    const run = cobranza(['dev', '--dmeo']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown option --dmeo');
  });
});
