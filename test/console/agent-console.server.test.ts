import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentFirstLadder } from '../../scenarios/agent-first-ladder';
import { addDays } from '../../workflows/engine/zoned-time';
import type { Account } from '../../workflows/engine/account';
import { hasChromium, launchChromium, SCREENSHOTS } from '../helpers/headless-chromium';
import { describeWithTemporal } from '../helpers/temporal-servers';
import { eventually, statusOf, svc, todayIn, useApiOnTemporal } from '../api/api-on-temporal';
import { cuenta, KEYS } from '../api/helpers';

const TITLE = 'the agent console in headless Chromium, on a Temporal dev server';

if (hasChromium()) describeWithTemporal(TITLE, (servers) => agentConsole(servers));
else describe.skip(`${TITLE} — skipped: no /usr/bin/chromium (apt-get install -y chromium)`, () => undefined);

/**
 * An agent's day in the console, against the real API, workers and dev server: sign in with the agent key, claim
 * the first task, mistype an amount and see the field named, record a promise, build an agreement, reveal the
 * debtor's details (audited), and work the queue on a tablet. Screenshots go to .data/screenshots/console-*.png.
 */
function agentConsole(servers: Parameters<typeof useApiOnTemporal>[0]): void {
  const bed = useApiOnTemporal(servers);
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Sixteen days overdue in Bogotá on the agent-first ladder: its agent call is due at once, whatever the hour. */
  const overdue = (): Account => cuenta({ dueDate: addDays(todayIn('America/Bogota'), -16) });
  let maria: Account;
  let joaquin: Account;

  const place = async (account: Account) => {
    await request(bed.app)
      .post('/v1/accounts')
      .set('Authorization', svc)
      .send({ ...account, ladder: agentFirstLadder })
      .expect(201);
    await eventually(async () => {
      const tasks = await bed.database.db
        .selectFrom('agent_tasks')
        .select('id')
        .where('account_id', '=', account.id)
        .execute();
      expect(tasks).toHaveLength(1);
    });
  };

  beforeAll(async () => {
    maria = overdue();
    joaquin = cuenta({
      dueDate: addDays(todayIn('America/Bogota'), -16),
      debtor: { ...overdue().debtor, name: 'Joaquín Andrés Restrepo' },
    });
    await place(maria);
    await place(joaquin);
    server = bed.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });

  it('signs an agent in with the key posted in a form, never in the address bar', async () => {
    await page.goto(`${base}/console`);
    await page.getByLabel('Agent key').fill(KEYS.agent);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect.poll(() => page.url()).toBe(`${base}/console/queue`);
    expect(page.url()).not.toContain(KEYS.agent);
    await expect.poll(() => page.getByRole('heading', { name: 'Work queue' }).isVisible()).toBe(true);
  });

  it('refuses a key that is not an agent’s, naming the field', async () => {
    const other = await context.browser()!.newContext({ locale: 'en-US' });
    const p = await other.newPage();
    await p.goto(`${base}/console/sign-in`);
    await p.getByLabel('Agent key').fill(KEYS.service);
    await p.getByRole('button', { name: 'Sign in' }).click();
    expect(await p.locator('#key-error').textContent()).toContain('not a valid agent key');
    expect(await p.getByLabel('Agent key').getAttribute('aria-invalid')).toBe('true');
    await other.close();
  });

  it('lists both overdue accounts’ tasks and claims María’s, opening her account', async () => {
    await page.goto(`${base}/console/queue`);
    const row = page.locator('tr', { hasText: maria.id });
    await expect.poll(() => row.isVisible()).toBe(true);
    expect(await page.locator('tr', { hasText: joaquin.id }).count()).toBe(1);
    await shot('queue');

    await row.getByRole('button', { name: 'Claim' }).click();

    await expect.poll(() => page.url()).toContain(`/console/accounts/${maria.id}`);
    expect(await page.getByRole('status').first().textContent()).toContain('task claimed');
    const task = await bed.database.db
      .selectFrom('agent_tasks')
      .select(['status', 'assignee'])
      .where('account_id', '=', maria.id)
      .executeTakeFirstOrThrow();
    expect(task).toEqual({ status: 'claimed', assignee: 'agent#2' });
  });

  it('shows the timeline with the workflow’s decisions and their reasons', async () => {
    const timeline = page.getByTestId('timeline');
    expect(await timeline.textContent()).toMatch(/agent-call: acted/);
    expect(await page.getByTestId('debtor-name').textContent()).toBe('María F. G.');
    await shot('account');
  });

  it('a mistyped amount is refused with the field named, and nothing is recorded', async () => {
    await page
      .getByLabel(/^Amount/)
      .first()
      .fill('mil pesos');
    await page.getByLabel('Date', { exact: true }).fill(addDays(todayIn('America/Bogota'), 3));
    await page.getByRole('button', { name: 'Record promise' }).click();

    const error = page.locator('#promise-amount-error');
    expect(await error.textContent()).toContain('is not an amount');
    expect(await page.locator('#promise-amount').getAttribute('aria-invalid')).toBe('true');
    expect((await statusOf(bed, maria.id)).promises).toEqual([]);
    await shot('field-error');
  });

  it('the date picker offers only the dates the ladder allows for a promise', async () => {
    const date = page.locator('#promise-date');
    expect(await date.getAttribute('min')).toBe(todayIn('America/Bogota'));
    expect(await date.getAttribute('max')).toBe(
      addDays(todayIn('America/Bogota'), agentFirstLadder.promise.maxHorizonDays)
    );
  });

  it('records a promise to pay through the workflow, which then holds the ladder for it', async () => {
    const date = addDays(todayIn('America/Bogota'), 5);
    await page
      .getByLabel(/^Amount/)
      .first()
      .fill('50.000'); // COP 50.000 of María's COP 150.000
    await page.getByLabel('Date', { exact: true }).fill(date);
    await page.getByRole('button', { name: 'Record promise' }).click();

    expect(await page.getByRole('status').first().textContent()).toContain('promise to pay');
    const status = await statusOf(bed, maria.id);
    expect(status.status).toBe('promise_open');
    expect(status.promises).toEqual([
      expect.objectContaining({ amountMinor: 50_000_00, date, agentId: 'agent#2', status: 'open' }),
    ]);
  });

  it('reveals María’s contact details on request and records who saw them', async () => {
    await page.getByRole('button', { name: 'Reveal contact details' }).click();

    expect(await page.getByTestId('debtor-name').textContent()).toBe(maria.debtor.name);
    const audit = await bed.database.db
      .selectFrom('audit_events')
      .select(['actor', 'action'])
      .where('account_id', '=', maria.id)
      .where('action', '=', 'contact_details_revealed')
      .execute();
    expect(audit).toEqual([{ actor: 'agent#2', action: 'contact_details_revealed' }]);
  });

  it('builds a three-installment agreement for Joaquín that the workflow accepts', async () => {
    await page.goto(`${base}/console/accounts/${joaquin.id}`);
    const today = todayIn('America/Bogota');
    const rows: [string, string][] = [
      [addDays(today, 7), '50000'],
      [addDays(today, 37), '50000'],
      [addDays(today, 67), '50000'],
    ];
    for (const [i, [date, amount]] of rows.entries()) {
      await page.locator(`#installment-${i}-date`).fill(date);
      await page.locator(`#installment-${i}-amount`).fill(amount);
    }
    await page.getByRole('button', { name: 'Record agreement' }).click();

    expect(await page.getByRole('status').first().textContent()).toContain('installment agreement');
    const status = await statusOf(bed, joaquin.id);
    expect(status.status).toBe('in_agreement');
    expect(status.agreement?.installments.map((i) => i.amountMinor)).toEqual([50_000_00, 50_000_00, 50_000_00]);
  });

  it('fits a tablet in portrait without sideways scrolling', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.goto(`${base}/console/queue?status=claimed`);
    // A string, evaluated in the page: this file is compiled without the DOM's types.
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth'
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('queue-tablet');
  });

  it('speaks Spanish to a browser that asks for it', async () => {
    const es = await context.browser()!.newContext({ locale: 'es-CO' });
    const p = await es.newPage();
    await p.goto(`${base}/console/sign-in`);
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toBe('Iniciar sesión');
    expect(await p.locator('html').getAttribute('lang')).toBe('es');
    await es.close();
  });
}
