import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ladderVersionOf } from '../../api/placement';
import { defaultLadder } from '../../workflows/engine/ladder';
import type { TemporalServers } from '../../cli/temporal-servers-command';
import type { DunningStatus } from '../../workflows/messages';
import { workflowIdFor } from '../../workflows/workflow-input';
import { DEMO_API_KEYS, startDevDemo, type DevDemoProcess } from '../helpers/dev-demo-process';
import { describeWithTemporal } from '../helpers/temporal-servers';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS } from '../helpers/headless-chromium';

const run = promisify(execFile);
const TITLE = 'the Temporal UI of npm run dev -- --demo, in headless Chromium';

// Debian's Chromium only (.ci/run installs it); without it the suite is skipped with the reason in its name.
if (existsSync(CHROMIUM)) describeWithTemporal(TITLE, sreView);
else
  describe.skip(`${TITLE} — skipped: no ${CHROMIUM} (apt-get install -y chromium)`, () => sreView(undefined as never));

/**
 * What an SRE sees: `npm run dev -- --demo`'s Temporal UI in Debian's headless Chromium, on the workflow of the
 * account the demo names first (after its day-1 SMS went out, or while it waits for its contact window). The dev
 * command encrypts every payload; the page must show them decoded through its codec server. Screenshots are kept in
 * .data/screenshots/ for CI to archive.
 */
function sreView(servers: TemporalServers): void {
  let dev: DevDemoProcess;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let accountId: string;
  let status: DunningStatus;
  let runId: string;

  const temporal = async (...args: string[]) => {
    const { stdout } = await run(servers.cli.path, [
      ...args,
      '--address',
      dev.banner.temporalAddress,
      '--namespace',
      dev.banner.namespace,
      '-o',
      'json',
    ]);
    return JSON.parse(stdout) as unknown;
  };
  const workflowId = () => workflowIdFor(accountId);
  const workflowPage = (tab: string) =>
    new URL(`/namespaces/${dev.banner.namespace}/workflows/${workflowId()}/${runId}/${tab}`, dev.banner.uiUrl).href;
  /** The day-1 SMS went out (the demo's "due now"), rather than waiting for a contact window to open. */
  const sent = () => status.contacts.some((c) => c.step === 'day-1-sms' && c.status === 'sent');
  /** What a locator shows now, or '' while it is not there (a poll retries; one long wait would outlast it). */
  const textOf = (l: Locator) => l.innerText({ timeout: 2_000 }).catch(() => '');
  /** The UI renders a payload first as it is stored, then again once the codec server answered. */
  const poll = <T>(probe: () => Promise<T>) => expect.poll(probe, { timeout: 30_000, interval: 250 });
  const screenshot = async (name: string) => {
    const path = join(SCREENSHOTS, `temporal-ui-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    console.log(`[temporal ui] screenshot ${path}`);
  };

  beforeAll(async () => {
    dev = await startDevDemo(servers);
    accountId = dev.banner.first.accountId;
    status = await vi.waitFor(
      async () => {
        const res = await fetch(`${dev.banner.api}/v1/accounts/${accountId}`, {
          headers: { authorization: `Bearer ${DEMO_API_KEYS.agent}` },
        });
        expect(res.status).toBe(200);
        const s = (await res.json()) as DunningStatus;
        // Due now: once its message went out; else once it waits for the window the demo names.
        if (dev.banner.first.kind === 'due-now') expect(s.contacts.map((c) => c.step)).toContain('day-1-sms');
        expect(s.waitReason?.until).toBeTruthy();
        return s;
      },
      { timeout: 60_000, interval: 500 }
    );
    const described = (await temporal('workflow', 'describe', '--workflow-id', workflowId())) as {
      workflowExecutionInfo: { execution: { runId: string } };
    };
    runId = described.workflowExecutionInfo.execution.runId;

    mkdirSync(SCREENSHOTS, { recursive: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'cobranza-chromium-'));
    // Debian's Chromium, never a downloaded one; nothing reaches out to Google's services.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1600, height: 1200 },
      timezoneId: 'UTC',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    // Ctrl-C in a terminal: SIGINT to the whole process group, the Temporal dev server included.
    if (dev) {
      const stopped = await dev.stop('SIGINT', 'group');
      if (stopped.killed || stopped.code !== 0)
        throw new Error(`npm run dev did not stop cleanly on SIGINT (exit ${stopped.code ?? stopped.signal})`);
    }
  }, 90_000);

  it('the dev server holds the summaries encrypted, so whatever the page shows decoded came through the codec server', async () => {
    const encodingOf = (p: { metadata: { encoding: string } }) => Buffer.from(p.metadata.encoding, 'base64').toString();
    const described = (await temporal('workflow', 'describe', '--workflow-id', workflowId())) as {
      executionConfig: { userMetadata: { summary: { metadata: { encoding: string } } } };
    };
    expect(encodingOf(described.executionConfig.userMetadata.summary)).toBe('binary/encrypted');
    const history = (await temporal('workflow', 'show', '--workflow-id', workflowId())) as {
      events: { eventType: string; userMetadata?: { summary: { metadata: { encoding: string } } } }[];
    };
    const summarised = history.events.filter((e) => e.userMetadata);
    expect(summarised.map((e) => e.eventType)).toEqual(
      expect.arrayContaining(['EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', 'EVENT_TYPE_TIMER_STARTED'])
    );
    for (const e of summarised) expect(encodingOf(e.userMetadata!.summary), e.eventType).toBe('binary/encrypted');
  });

  it("the event history names each step: the step's activity summary and the timer it waits on, decoded", async () => {
    await page.goto(workflowPage('history'));
    const timeline = (name: string) => page.getByRole('button', { name, exact: true });
    const activity = sent()
      ? 'sendMessage • day-1 SMS via sms'
      : `recordAccountChanges • record decisions before waiting (${status.waitReason!.detail})`;
    await poll(() => timeline(activity).count()).toBe(1);
    // The timer the workflow sleeps on until its next action, e.g. "week-1 email: scheduled".
    await poll(() => timeline(status.waitReason!.detail).count()).toBe(1);
    const scheduled = page.getByRole('row').filter({ hasText: 'Activity Task Scheduled' });
    await poll(() => textOf(scheduled)).toContain(`Summary\n\n${activity.split(' • ')[1]}`);
    await screenshot('history');
  });

  it("the step's activity page shows its input and result decoded: the day-1 SMS and the provider's message id", async () => {
    const history = (await temporal('workflow', 'show', '--workflow-id', workflowId())) as {
      events: { eventId: string; eventType: string; activityTaskCompletedEventAttributes?: object }[];
    };
    const completed = history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED')!;
    await page.goto(workflowPage(`history/events/${completed.eventId}`));
    const main = page.getByRole('main');
    await poll(() => textOf(main)).toContain(`"accountId": "${accountId}"`);
    const text = await main.innerText();
    if (sent()) {
      const { providerMessageId } = status.contacts.find((c) => c.step === 'day-1-sms')!;
      expect(text).toContain('"stepKey": "day-1-sms"');
      expect(text).toContain('"channel": "sms"');
      expect(text).toContain(`"providerMessageId": "${providerMessageId}"`);
    } else {
      // Waiting for its window, the workflow first records the placement (its decision record).
      expect(text).toContain('"type": "accountPlaced"');
    }
    expect(text).not.toContain('binary/encrypted');
    await screenshot('activity');
  });

  it('the workflow input is decoded: the placed account, not an encrypted payload', async () => {
    await page.goto(workflowPage('history'));
    const input = page.getByRole('heading', { name: 'Input' }).locator('xpath=following::*[@role="textbox"][1]');
    await poll(() => textOf(input)).toContain(`"id": "${accountId}"`);
    const text = await input.innerText();
    expect(text).toContain(`"timezone": "${status.commitments.zone}"`);
    expect(text).toContain(`"version": ${defaultLadder.version}`);
    expect(await page.locator('body').innerText()).not.toContain('binary/encrypted');
  });

  it("User Metadata shows the workflow's summary and its current details, decoded", async () => {
    await page.goto(workflowPage('user-metadata'));
    const { jurisdiction } = dev.banner.first;
    const next = status.nextAction!;
    const stepName = defaultLadder.steps.find((s) => s.id === next.step)!.name;
    const summary = `Dunning ${accountId} · ${jurisdiction} · ladder ${ladderVersionOf(defaultLadder)}`;
    const details =
      `${status.status} · stage ${status.stage} · balance ${status.balance.amountMinor} ${status.balance.currency} minor units` +
      `\n\nnext: ${stepName} at ${next.local} (${status.commitments.zone})`;
    // The UI renders both as Markdown, each in its own frame; a frame is replaced when its payload is decoded.
    const rendered = async () =>
      Promise.all(
        (await page.locator('iframe[title="output"]').all()).map((f) => textOf(f.contentFrame().locator('body')))
      );
    await poll(rendered).toContain(summary);
    await poll(rendered).toContain(details);
    const events = page
      .getByRole('heading', { name: 'Events with Metadata' })
      .locator('xpath=../following-sibling::div[1]');
    await poll(() => textOf(events)).toContain(status.waitReason!.detail);
    if (sent()) expect(await events.innerText()).toContain('day-1 SMS via sms');
    await screenshot('user-metadata');
  });

  it('Search Attributes shows what an SRE filters on: DunningStatus, Jurisdiction, AccountId, DunningStage', async () => {
    await page.goto(workflowPage('search-attributes'));
    const attributes = page
      .getByRole('heading', { name: 'Search Attributes' })
      .locator('xpath=following::*[@role="textbox"][1]');
    await poll(() => textOf(attributes)).toContain('"DunningStatus": "active"');
    const text = await attributes.innerText();
    expect(text).toContain(`"Jurisdiction": "${dev.banner.first.jurisdiction}"`);
    expect(text).toContain(`"AccountId": "${accountId}"`);
    expect(text).toContain(`"DunningStage": "${status.stage}"`);
    expect(text).toContain(`"LadderVersion": "${ladderVersionOf(defaultLadder)}"`);
    await screenshot('search-attributes');
  });
}
