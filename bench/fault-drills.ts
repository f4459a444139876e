/**
 * Fault drills on loopback: the production worker processes, the API, a PostgreSQL cluster of the drill's own, a
 * Temporal dev server on a SQLite file, and the provider simulator for Twilio. Run with
 *
 *   npm run drills
 *
 * Each drill places accounts due now, injects its fault while their day-1 SMS are going out, and posts payments for
 * a third of them while the fault lasts (retrying, as a billing system would, until the API acknowledges):
 *   1. kill-worker       Twilio answers slowly, kill -9 one of the two workers with sends in flight, start it again;
 *   2. restart-temporal  stop the Temporal dev server and start it again on the same database file;
 *   3. stop-postgres     stop PostgreSQL (immediate: sessions cut) for 30 s;
 *   4. provider-faults   Twilio answers 500 to 5 requests, then never answers 3.
 * After each it waits (bounded) until every account's step is settled and every payment applied, and counts:
 * duplicates (a step with two requests the provider may have accepted), ledger mismatches (an accepted message the
 * ledger does not hold, or the reverse), lost payments (acknowledged, not in the account), and accounts that did
 * not continue (failed, or not settled). Exit status 1 when any of them is not 0. Every loop is bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { existingTemporalCli } from '../cli/temporal-cli-binary';
import { statusQuery } from '../workflows/messages';
import { workflowIdFor } from '../workflows/workflow-input';
import { freePorts } from '../loopback/free-ports';
import type { Scripted } from '../loopback/provider-simulator';
import { SERVICE_KEY, startCobranzaStack, type CobranzaStack } from './harness/cobranza-stack';
import { startDevServerProcess, type DevServerProcess } from './harness/dev-server-process';
import { placeBatch, until, workflowOf } from './harness/placement';
import { postgresBinDir, startPrivatePostgres, type PrivatePostgres } from './harness/private-postgres';
import { accountFor, DRILLS_STAY_OPEN_MS, reachableDebtor, type ReachableDebtor } from './harness/reachable-debtor';

const ACCOUNTS = Number(process.env.DRILL_ACCOUNTS ?? 60);
/** Per worker; slow enough that a fault lands while sends are going out. */
const MPS = 10;
const PG_DOWN_MS = Number(process.env.DRILL_PG_DOWN_MS ?? 30_000);
const SETTLE_BOUND_MS = 6 * 60_000;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface DrillCounts {
  drill: string;
  accounts: number;
  providerRequests: number;
  acceptedMessages: number;
  refusedByProvider: number;
  unanswered: number;
  duplicates: number;
  inDoubt: number;
  ledgerMismatches: number;
  acceptedRecordedInDoubt: number;
  paymentAnswers: Record<number, number>;
  paymentsAcknowledged: number;
  paymentsApplied: number;
  lostPayments: number;
  accountsContinuing: number;
  accountsNotContinuing: number;
  seconds: number;
}

interface World {
  stack: CobranzaStack;
  dev: DevServerProcess;
  postgres: PrivatePostgres;
  debtor: ReachableDebtor;
  run: string;
}

async function main(): Promise<number> {
  if (!existingTemporalCli(process.env)) {
    say('no Temporal CLI: run `npx tsx cli/main.ts temporal-servers` first');
    return 2;
  }
  if (!postgresBinDir()) {
    say('no PostgreSQL server binaries (initdb, pg_ctl): install postgresql or set PG_BIN');
    return 2;
  }
  const debtor = reachableDebtor(Date.now(), DRILLS_STAY_OPEN_MS);
  const [pgPort, temporalPort] = await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), 'cobranza-drills-'));
  const postgres = await startPrivatePostgres(pgPort!);
  const dev = await startDevServerProcess({ port: temporalPort!, dbFile: join(dir, 'temporal.sqlite') });
  const stack = await startCobranzaStack({
    temporalAddress: dev.address,
    databaseUrl: postgres.url,
    messagingMaxPerSecond: MPS,
  });
  const world: World = { stack, dev, postgres, debtor, run: randomUUID().slice(0, 6) };
  say(`debtors: ${debtor.jurisdiction} ${debtor.timezone}, due ${debtor.dueDate}; ${ACCOUNTS} accounts per drill`);
  const results: DrillCounts[] = [];
  try {
    await stack.startWorker('a');
    await stack.startWorker('b');
    const only = process.argv[2];
    for (const [name, inject] of DRILLS) {
      if (only && !name.includes(only)) continue;
      const counts = await drill(world, name, inject);
      results.push(counts);
      say(JSON.stringify(counts));
    }
  } finally {
    await stack.close();
    await dev.stop();
    await postgres.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = results.filter((r) => r.duplicates + r.lostPayments + r.ledgerMismatches + r.accountsNotContinuing > 0);
  say(
    `drills: ${results.length}; duplicates ${sum(results, 'duplicates')}, lost payments ${sum(results, 'lostPayments')}, ledger mismatches ${sum(results, 'ledgerMismatches')}, accounts not continuing ${sum(results, 'accountsNotContinuing')}`
  );
  return bad.length === 0 ? 0 : 1;
}

const sum = (rs: DrillCounts[], k: keyof DrillCounts) => rs.reduce((s, r) => s + Number(r[k]), 0);

/** What a drill does once sends are going out; it returns when the fault is over. `pay` posts payments meanwhile. */
type Inject = (world: World, pay: () => Promise<void>) => Promise<void>;

const DRILLS: [string, Inject][] = [
  [
    'kill-worker',
    async ({ stack }, pay) => {
      // Slow answers, so that the killed worker has sends in flight (the provider may accept them after it died).
      const slow = stack.simulator.script(
        'twilio',
        ...Array.from({ length: 6 }, () => ({ kind: 'accept' as const, delayMs: 3_000 }))
      );
      await Promise.all(slow.slice(0, 2).map((s) => s.received));
      const victim = [...stack.workers][0]!;
      await stack.kill9(victim);
      await pay();
      await sleep(2_000);
      await stack.startWorker(`a-${Date.now()}`);
    },
  ],
  [
    'restart-temporal',
    async ({ dev }, pay) => {
      await dev.stop();
      const paying = pay();
      await sleep(5_000);
      await dev.restart();
      await paying;
    },
  ],
  [
    'stop-postgres',
    async ({ postgres }, pay) => {
      await postgres.stop();
      const paying = pay();
      await sleep(PG_DOWN_MS);
      await postgres.start();
      await paying;
    },
  ],
  [
    'provider-faults',
    async ({ stack }, pay) => {
      const scripted: Scripted[] = stack.simulator.script(
        'twilio',
        ...Array.from({ length: 5 }, () => ({ kind: 'fail' as const, status: 500 })),
        ...Array.from({ length: 3 }, () => ({ kind: 'hang' as const }))
      );
      await pay();
      await Promise.all(scripted.map((s) => s.received));
    },
  ],
];

async function drill(world: World, name: string, inject: Inject): Promise<DrillCounts> {
  const { stack, debtor } = world;
  const started = Date.now();
  const accounts = Array.from({ length: ACCOUNTS }, (_, i) =>
    accountFor(`drill-${world.run}-${name}-${i}`, debtor, debtor.dueDate)
  );
  const ids = new Set(accounts.map((a) => workflowIdFor(a.id)));
  const requestsOfDrill = () => stack.simulator.twilioMessages().filter((r) => ids.has(workflowOf(r) ?? ''));

  const placed = await placeBatch(stack.apiUrl, accounts);
  if (placed.failed > 0)
    throw new Error(`${name}: ${placed.failed} accounts refused: ${JSON.stringify(placed.problems)}`);
  await until(() => requestsOfDrill().length >= ACCOUNTS / 5, `${name}: sends going out`, 120_000);

  // A third of the accounts pay in full while the fault lasts; a payment counts once the API acknowledged it.
  const payers = accounts.filter((_, i) => i % 3 === 0);
  const acknowledged = new Set<string>();
  /** The API's answers to payment posts, by status (0: no answer within 10 s). */
  const answers: Record<number, number> = {};
  const pay = async () => {
    const deadline = Date.now() + 120_000;
    while (acknowledged.size < payers.length && Date.now() < deadline) {
      for (const a of payers) {
        if (acknowledged.has(a.id)) continue;
        const status = await postPayment(stack.apiUrl, a.id, `pay-${a.id}`, a.balance.amountMinor);
        answers[status] = (answers[status] ?? 0) + 1;
        // 409 account-closed: the payment is recorded, and the account is closed (by this very payment, when an
        // earlier attempt of it was delivered after all). Both are acknowledgements a billing system can rely on.
        if ((status >= 200 && status < 300) || status === 409) acknowledged.add(a.id);
      }
      if (acknowledged.size < payers.length) await sleep(2_000);
    }
  };
  await inject(world, pay);
  await pay();

  // Settled: every step's send is recorded in the ledger (sent, or in doubt), and every acknowledged payment applied.
  const state = async () => {
    const statuses = await Promise.all(
      accounts.map(async (a) => {
        try {
          // A deadline on every call: after a server restart a call may otherwise wait for a connection forever.
          return await stack.client.withDeadline(Date.now() + 10_000, async () => {
            const handle = stack.client.workflow.getHandle(workflowIdFor(a.id));
            const d = await handle.describe();
            if (d.status.name !== 'RUNNING') return { id: a.id, run: d.status.name, status: undefined };
            const s = await handle.query(statusQuery);
            return { id: a.id, run: d.status.name, status: s };
          });
        } catch {
          return { id: a.id, run: 'UNREACHABLE', status: undefined };
        }
      })
    );
    const rows = await stack.database.db
      .selectFrom('contact_attempts')
      .select(['workflow_id', 'step_key', 'provider_message_id', 'status'])
      .where('workflow_id', 'in', [...ids])
      .execute();
    return { statuses, rows };
  };
  const settled = (s: Awaited<ReturnType<typeof state>>) => {
    const paidOrSettled = accounts.every((a) => {
      const st = s.statuses.find((x) => x.id === a.id)!;
      if (acknowledged.has(a.id)) return st.run === 'COMPLETED';
      const row = s.rows.find((r) => r.workflow_id === workflowIdFor(a.id));
      return (
        st.run === 'RUNNING' && row !== undefined && (row.provider_message_id !== null || row.status === 'unknown')
      );
    });
    return paidOrSettled;
  };
  let last = await state();
  say(`${name}: fault over after ${Math.round((Date.now() - started) / 1000)} s; waiting for every account to settle`);
  try {
    await until(
      async () => {
        last = await state();
        return settled(last);
      },
      `${name}: every account settled`,
      SETTLE_BOUND_MS,
      2_000
    );
  } catch (err) {
    say(`${name}: ${(err as Error).message}`);
  }

  // Count. A request the provider may have accepted: any that was not answered with an error status.
  const requests = requestsOfDrill();
  const mayHaveSent = requests.filter((r) => !r.reply || r.reply.status < 400);
  const byStep = new Map<string, number>();
  for (const r of mayHaveSent) {
    const key = `${workflowOf(r)}|${new URL(r.form!.StatusCallback!).searchParams.get('step')}`;
    byStep.set(key, (byStep.get(key) ?? 0) + 1);
  }
  const duplicates = [...byStep.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
  const stepOf = (r: (typeof requests)[number]) =>
    `${workflowOf(r)}|${new URL(r.form!.StatusCallback!).searchParams.get('step')}`;
  const rowOf = new Map(last.rows.map((r) => [`${r.workflow_id}|${r.step_key}`, r]));
  const acceptedRequests = requests.filter((r) => r.reply && r.reply.status < 400 && r.reply.messageId);
  const accepted = new Set(acceptedRequests.map((r) => r.reply!.messageId!));
  const recorded = new Set(last.rows.flatMap((r) => (r.provider_message_id ? [r.provider_message_id] : [])));
  // Accepted, but the answer never reached the ledger (the worker died, or PostgreSQL was down when it came): the
  // ledger holds the step as `unknown`, in doubt, which is the truth as the sender knows it. Not a duplicate and
  // not a mismatch; counted apart, because its delivery callbacks will find no attempt.
  const acceptedRecordedInDoubt = acceptedRequests.filter((r) => {
    const row = rowOf.get(stepOf(r));
    return !recorded.has(r.reply!.messageId!) && row?.status === 'unknown' && row.provider_message_id === null;
  }).length;
  const ledgerMismatches =
    [...accepted].filter((id) => !recorded.has(id)).length -
    acceptedRecordedInDoubt +
    [...recorded].filter((id) => !accepted.has(id)).length;

  const paymentsApplied = [...acknowledged].filter((id) => {
    const st = last.statuses.find((x) => x.id === id);
    return st?.run === 'COMPLETED';
  }).length;
  const continuing = accounts.filter((a) => {
    const st = last.statuses.find((x) => x.id === a.id)!;
    return acknowledged.has(a.id) ? st.run === 'COMPLETED' : st.run === 'RUNNING';
  }).length;
  return {
    drill: name,
    accounts: ACCOUNTS,
    providerRequests: requests.length,
    acceptedMessages: accepted.size,
    refusedByProvider: requests.filter((r) => r.reply && r.reply.status >= 400).length,
    unanswered: requests.filter((r) => !r.reply).length,
    duplicates,
    inDoubt: last.rows.filter((r) => r.status === 'unknown').length,
    ledgerMismatches,
    acceptedRecordedInDoubt,
    paymentAnswers: answers,
    paymentsAcknowledged: acknowledged.size,
    paymentsApplied,
    lostPayments: acknowledged.size - paymentsApplied,
    accountsContinuing: continuing,
    accountsNotContinuing: ACCOUNTS - continuing,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

/** The API's answer status (2xx: acknowledged), or 0 when it did not answer; anything else is tried again. */
async function postPayment(apiUrl: string, accountId: string, paymentId: string, amountMinor: number): Promise<number> {
  try {
    const res = await fetch(`${apiUrl}/v1/accounts/${encodeURIComponent(accountId)}/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SERVICE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paymentId, amountMinor }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
);
