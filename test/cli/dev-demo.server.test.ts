import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { demoPortfolio } from '../../cli/demo-portfolio';
import type { DunningStatus } from '../../workflows/messages';
import { workflowIdFor } from '../../workflows/workflow-input';
import { DEMO_API_KEYS, startDevDemo, type DevDemoProcess } from '../helpers/dev-demo-process';
import { describeWithTemporal } from '../helpers/temporal-servers';
import { hasChromium, launchChromium } from '../helpers/headless-chromium';

const run = promisify(execFile);

/**
 * README's `npm run dev -- --demo`, run as a real child process on the Temporal CLI's dev server: the demo's first
 * account is contacted (or waits, with the rule that moved it), a payment closes it, visibility finds it, the Web UI
 * answers, and SIGTERM through npm stops everything. The tests run in order against one process.
 */
describeWithTemporal('npm run dev -- --demo', (servers) => {
  let dev: DevDemoProcess;
  let stopped = false;

  beforeAll(async () => {
    dev = await startDevDemo(servers);
  }, 240_000);

  afterAll(async () => {
    if (dev && !stopped) await dev.stop('SIGTERM', 'npm');
  }, 90_000);

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${dev.banner.api}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${DEMO_API_KEYS.service}`, 'content-type': 'application/json' },
    });
  const statusOf = async (accountId: string): Promise<DunningStatus> => {
    const res = await api(`/v1/accounts/${accountId}`);
    expect(res.status, `GET /v1/accounts/${accountId}`).toBe(200);
    return (await res.json()) as DunningStatus;
  };
  const first = () => dev.banner.first;
  const eventually = <T>(probe: () => Promise<T>, timeout = 60_000) => vi.waitFor(probe, { timeout, interval: 500 });

  it('places the demo portfolio in one batch, and every account answers through the API', async () => {
    const fixedIds = demoPortfolio(new Date())
      .accounts.map((a) => a.id)
      .filter((id) => !id.startsWith('demo-now-'));
    expect(dev.banner.placed).toEqual({ httpStatus: 200, accounts: fixedIds.length + 1 });
    for (const id of [...fixedIds, first().accountId]) {
      const status = await eventually(() => statusOf(id));
      expect(status.accountId).toBe(id);
    }
  });

  it("the demo's first account: its day-1 SMS goes out through the log transport, or its status names the rule and time that moved it", async () => {
    const account = first();
    if (account.kind === 'due-now') {
      const status = await eventually(async () => {
        const s = await statusOf(account.accountId);
        expect(s.contacts).toContainEqual(
          expect.objectContaining({ step: 'day-1-sms', channel: 'sms', status: 'sent' })
        );
        return s;
      });
      const contact = status.contacts.find((c) => c.step === 'day-1-sms')!;
      expect(contact.providerMessageId).toMatch(/^log-[0-9a-f-]{36}$/);
      const transportLines = dev
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.providerMessageId === contact.providerMessageId && String(l.msg).startsWith('NOT SENT'));
      expect(transportLines).toEqual([
        expect.objectContaining({
          transport: 'log',
          channel: 'sms',
          workflowId: workflowIdFor(account.accountId),
          stepKey: 'day-1-sms',
          msg: 'NOT SENT: no provider credentials: sms message',
        }),
      ]);
      // The message links to the debtor's own page (signed), which the API opens.
      const link = new RegExp(`https?://\\S+/p/${account.accountId}/\\S+`).exec(String(transportLines[0]!.body))?.[0];
      expect(link, 'a link to the debtor page in the SMS').toBeDefined();
      expect((await fetch(link!)).status).toBe(200);
    } else {
      const status = await eventually(async () => {
        const s = await statusOf(account.accountId);
        expect(s.nextAction).toMatchObject({ step: 'day-1-sms', local: account.local });
        return s;
      });
      expect(status.contacts).toEqual([]);
      expect(status.waitReason?.code).toBe('scheduled');
      expect(status.waitReason?.detail).toMatch(/^day-1 SMS: waiting for /);
      expect(status.waitReason?.until).toBe(status.nextAction!.at);
      // e.g. `MX:CONDUSEF despachos de cobranza (DOF 2014-10-07)`, `US-FED:12 CFR 1006.6(b)(1)(i)`
      expect(status.waitReason?.rule).toMatch(/^[A-Z]{2}(-[A-Z]+)?:\S/);
    }
  });

  it('a payment of the whole balance closes it: status paid', async () => {
    const { accountId } = first();
    const { balance } = await statusOf(accountId);
    const res = await api(`/v1/accounts/${accountId}/payments`, {
      method: 'POST',
      body: JSON.stringify({ paymentId: `pago-${accountId}-001`, amountMinor: balance.amountMinor }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const status = await eventually(async () => {
      const s = await statusOf(accountId);
      expect(s.status).toBe('paid');
      return s;
    });
    expect(status).toMatchObject({ paidMinor: balance.amountMinor, balance: { amountMinor: 0 } });
  });

  it('`temporal workflow list --query "DunningStatus = \'paid\'"` finds its completed workflow', async () => {
    const workflowId = workflowIdFor(first().accountId);
    // DunningStatus turns `paid` a moment before the run completes (it records the closing, then returns).
    await eventually(async () => {
      const { stdout } = await run(servers.cli.path, [
        'workflow',
        'list',
        '--address',
        dev.banner.temporalAddress,
        '--namespace',
        dev.banner.namespace,
        '--query',
        "DunningStatus = 'paid'",
        '-o',
        'json',
      ]);
      const rows = JSON.parse(stdout) as { execution: { workflowId: string }; status: string }[];
      const row = rows.find((r) => r.execution.workflowId === workflowId);
      expect(row?.status, `${workflowId} among the paid workflows`).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');
    });
  });

  it("the Temporal UI answers at the banner's URL with its web app", async () => {
    const res = await fetch(dev.banner.uiUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<div id="svelte">');
    expect(html).toContain('/_app/immutable/entry/start.');
  });

  it("the Temporal UI sends the browser to the banner's codec server to decode payloads", async () => {
    const res = await fetch(new URL('/api/v1/settings', dev.banner.uiUrl));
    expect(res.status).toBe(200);
    const settings = (await res.json()) as { Codec: { Endpoint: string } };
    expect(settings.Codec.Endpoint).toBe(dev.banner.codecUrl);
  });

  it.runIf(hasChromium())(
    "a new agent takes the demo's first task to a recorded promise in the browser, in Spanish, with the banner's URL",
    async () => {
      // This run sets API_KEYS (a generated key would be printed in the banner instead).
      const { url, signInWith } = dev.banner.console;
      expect(signInWith).toBe('an agent key from API_KEYS');
      const agentKey = DEMO_API_KEYS.agent;
      const browser = await launchChromium();
      try {
        const page = await (await browser.newContext({ locale: 'es-MX' })).newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(url);
        await page.getByLabel('Clave de gestor').fill(agentKey);
        await page.getByRole('button', { name: 'Entrar' }).click();

        // The agent-first accounts' tasks are in the queue at once; the first row is the one to take.
        const firstClaim = page.getByRole('button', { name: /^Tomar / }).first();
        await eventually(async () => {
          await page.reload();
          expect(await firstClaim.isVisible()).toBe(true);
        });
        const accountId = (await firstClaim.getAttribute('aria-label'))!.replace(/^Tomar /, '');
        expect(['demo-mx-agent', 'demo-co-agent']).toContain(accountId);
        await firstClaim.click();

        // The amount comes filled with the balance; the first date the policy allows is the field's minimum.
        const date = (await page.locator('#promise-date').getAttribute('min'))!;
        await page.locator('#promise-date').fill(date);
        await page.getByRole('button', { name: 'Registrar promesa' }).click();

        const status = await eventually(async () => {
          const s = await statusOf(accountId);
          expect(s.status).toBe('promise_open');
          return s;
        });
        expect(status.promises).toEqual([
          expect.objectContaining({ date, amountMinor: status.balance.amountMinor, agentId: 'agent#2' }),
        ]);
      } finally {
        await browser.close();
      }
    },
    120_000
  );

  it.runIf(hasChromium())(
    "a debtor opens João's page from the banner on a phone, promises to pay, then picks a plan, and the workflow shows both",
    async () => {
      const browser = await launchChromium();
      try {
        const context = await browser.newContext({
          viewport: { width: 390, height: 844 },
          isMobile: true,
          locale: 'pt-BR',
        });
        const page = await context.newPage();
        page.setDefaultTimeout(20_000);
        await page.goto(dev.banner.debtorPage);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Seu saldo com Cobranza Demo Ltda.');
        const { balance } = await statusOf('demo-br-1');
        expect((await page.getByTestId('balance').textContent())?.replace(/\s/g, ' ')).toMatch(/^R\$ [\d.]+,\d{2}$/);

        const date = (await page.locator('#promise-date').getAttribute('min'))!;
        await page.locator('#promise-date').fill(date);
        await page.getByRole('button', { name: 'Prometer o pagamento' }).click();
        expect(await page.getByRole('status').first().textContent()).toContain('Registramos sua promessa');
        await eventually(async () => {
          const s = await statusOf('demo-br-1');
          expect(s.promises).toEqual([
            expect.objectContaining({ date, amountMinor: balance.amountMinor, agentId: 'debtor', status: 'open' }),
          ]);
        });

        await page.getByRole('button', { name: /^Escolher este plano: 3 parcelas/ }).click();
        expect(await page.getByRole('status').first().textContent()).toContain('Registramos seu parcelamento');
        const status = await eventually(async () => {
          const s = await statusOf('demo-br-1');
          expect(s.status).toBe('in_agreement');
          return s;
        });
        expect(status.agreement?.installments.reduce((sum, i) => sum + i.amountMinor, 0)).toBe(balance.amountMinor);
      } finally {
        await browser.close();
      }
    },
    120_000
  );

  it('SIGTERM to npm stops it cleanly: "stopping…", exit code 0, no process left behind', async () => {
    stopped = true;
    const result = await dev.stop('SIGTERM', 'npm');
    expect(result.killed, 'still running 60 s after SIGTERM: its process group was killed').toBe(false);
    expect(result.leftovers, 'processes of its group that outlived it').toEqual([]);
    expect(result.output).toContain('\nstopping…\n');
    expect(result).toMatchObject({ code: 0, signal: null });
  }, 90_000);
});
