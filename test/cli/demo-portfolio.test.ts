import { describe, expect, it } from 'vitest';
import { demoPortfolio, describeDemo } from '../../cli/demo-portfolio';
import { runPreview } from '../../workflows/engine/preview';

/** The `--demo` portfolio at fixed instants: which account it says to watch first, and why. */
describe('the demo portfolio', () => {
  it('on a Wednesday at 08:24 in Mexico City, Valeria Hernández (MX) is due now', () => {
    const now = new Date('2026-12-02T14:24:13Z');
    const portfolio = demoPortfolio(now);
    expect(portfolio.dueNow).toEqual({ accountId: 'demo-now-mx', jurisdiction: 'MX', zone: 'America/Mexico_City' });
    expect(describeDemo(portfolio, now)).toEqual([
      'due now: demo-now-mx (MX, 2026-12-02T08:24:13-06:00 in America/Mexico_City): its day-1 SMS goes out at once',
    ]);
  });

  it('on a Saturday at 09:00 UTC no window is open: it names the first account, its jurisdiction and when it may go', () => {
    const now = new Date('2026-12-05T09:00:00Z');
    const portfolio = demoPortfolio(now);
    expect(portfolio.dueNow).toBeNull();
    expect(describeDemo(portfolio, now)).toEqual([
      "no jurisdiction's contact window is open now; the first message, demo-now-mx's (MX), may go at 2026-12-05T07:20:39-06:00 (America/Mexico_City)",
    ]);
  });

  it('places seven fixed accounts across MX, CO, BR, ES and US-MA (two with agent tasks) plus the one to watch first', () => {
    const portfolio = demoPortfolio(new Date('2026-12-05T09:00:00Z'));
    expect(portfolio.accounts.map((a) => [a.id, a.debtor.jurisdiction])).toEqual([
      ['demo-mx-1', 'MX'],
      ['demo-co-1', 'CO'],
      ['demo-br-1', 'BR'],
      ['demo-es-1', 'ES'],
      ['demo-us-ma-1', 'US-MA'],
      ['demo-mx-agent', 'MX'],
      ['demo-co-agent', 'CO'],
      ['demo-now-mx', 'MX'],
    ]);
  });

  it('gives the agent console work at once even at 03:00 in Bogotá, when no contact window is open', () => {
    const now = new Date('2026-12-03T08:00:00Z');
    for (const id of ['demo-mx-agent', 'demo-co-agent']) {
      const { ladder, ...account } = demoPortfolio(now).accounts.find((a) => a.id === id)!;
      const preview = runPreview({
        account,
        ladder,
        startAt: now.toISOString(),
        until: new Date(now.getTime() + 86_400_000).toISOString(),
        events: [],
      });
      expect(preview.actions, id).toEqual([
        expect.objectContaining({ step: 'agent-call', kind: 'agent_task', at: now.toISOString() }),
      ]);
    }
  });
});
