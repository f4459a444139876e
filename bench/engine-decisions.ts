/**
 * Decisions per second of the pure policy engine (`next(state, now)`) on one thread, over a large seeded corpus of
 * accounts in every supported jurisdiction and zone, in varied states. Not a test: run it with
 *
 *   npx tsx bench/engine-decisions.ts [accounts=200000] [seed=42]
 *
 * It prints a human table, then one line of JSON for CI to compare:
 *   {"bench":"engine-decisions","decisionsPerSec":…,"p50Us":…,"p99Us":…,"corpus":…}
 * Targets (from the issue): ≥ 200,000 decisions/s and p99 < 50 µs.
 */
import type { Account, Channel } from '../workflows/engine/account';
import type { EngineEvent } from '../workflows/engine/event';
import { next } from '../workflows/engine/next';
import { initialState, type EngineState } from '../workflows/engine/state';
import { contactPolicyFor, SUPPORTED_JURISDICTIONS } from '../workflows/engine/jurisdictions';
import { defaultLadder } from '../workflows/engine/ladder';
import { simulate } from '../workflows/engine/simulate';
import { seededRandom } from '../scenarios/seeded-random';

const ACCOUNTS = Number(process.argv[2] ?? process.env.BENCH_ACCOUNTS ?? 200_000);
const SEED = Number(process.argv[3] ?? process.env.BENCH_SEED ?? 42);
const TARGET_DPS = 200_000;
const TARGET_P99_US = 50;
const BATCH = 64;
const DAY = 86_400_000;

const rand = seededRandom(SEED);
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

type Kind = 'fresh' | 'mid-ladder' | 'promise' | 'agreement' | 'late-start' | 'zone-unknown' | 'disputed';
const KINDS: Kind[] = [
  'fresh',
  'mid-ladder',
  'mid-ladder',
  'promise',
  'agreement',
  'late-start',
  'zone-unknown',
  'disputed',
];
const JURISDICTIONS = [...SUPPORTED_JURISDICTIONS, 'US-TX'];
const BASE = Date.parse('2026-01-05T00:00:00Z');

function isoDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** Runs the engine as the workflow would up to `until`, so the state is one the engine really produces. */
function advance(state: EngineState, from: number, until: number, events: EngineEvent[]): EngineState {
  return simulate(state, { from, until, events, maxSteps: 50 }).state;
}

interface Case {
  state: EngineState;
  now: number;
  kind: Kind;
}

function buildCase(i: number): Case {
  const jurisdiction = pick(JURISDICTIONS);
  const policy = contactPolicyFor(jurisdiction)!;
  const kind = pick(KINDS);
  const dueMs = BASE + int(0, 700) * DAY; // two years of due dates: every DST transition is in some ladder
  const dueDate = isoDay(dueMs);
  const balance = int(5_000, 5_000_000);
  const account: Account = {
    id: `acc-${jurisdiction.toLowerCase()}-${i.toString(36)}`,
    debtor: {
      name: 'Debtor',
      phone: '+5215512345678',
      ...(rand() < 0.3 && { whatsapp: '+5215512345679' }),
      ...(rand() < 0.8 && { email: 'debtor@example.com' }),
      ...(kind !== 'zone-unknown' && { timezone: pick(policy.zones) }),
      jurisdiction,
      locale: 'es-MX',
    },
    balance: { amountMinor: balance, currency: 'MXN' },
    dueDate,
  };
  const startAt = kind === 'late-start' ? dueMs + int(2, 12) * DAY : dueMs - int(5, 10) * DAY;
  let state = initialState(account, defaultLadder, policy, startAt);
  let now = startAt + int(0, 3_600_000);
  switch (kind) {
    case 'fresh':
    case 'late-start':
    case 'zone-unknown':
      break;
    case 'mid-ladder': {
      // Some steps sent, a partial payment, sometimes an opt-out or a failed channel.
      const until = dueMs + int(1, 12) * DAY;
      const events: EngineEvent[] = [
        { type: 'payment', at: dueMs + DAY, paymentId: 'p1', amountMinor: Math.floor(balance / 3) },
      ];
      if (rand() < 0.2)
        events.push({ type: 'optOut', at: dueMs, channel: pick<Channel>(['sms', 'email']), source: 'keyword' });
      state = advance(state, startAt, until, events);
      now = until;
      break;
    }
    case 'promise': {
      const madeAt = dueMs + int(1, 5) * DAY;
      state = advance(state, startAt, madeAt, [
        {
          type: 'promise',
          at: madeAt,
          promiseId: 'pr1',
          date: isoDay(madeAt + int(2, 20) * DAY),
          amountMinor: Math.floor(balance / 2),
          agentId: 'a1',
        },
      ]);
      now = madeAt + int(0, 6) * DAY;
      break;
    }
    case 'agreement': {
      const madeAt = dueMs + int(1, 10) * DAY;
      const installments = [1, 2, 3, 4].map((k) => ({
        dueDate: isoDay(madeAt + k * 14 * DAY),
        amountMinor: Math.floor(balance / 5),
      }));
      state = advance(state, startAt, madeAt, [
        { type: 'agreement', at: madeAt, agreementId: 'ag1', installments, agentId: 'a1' },
      ]);
      now = madeAt + int(0, 30) * DAY;
      break;
    }
    case 'disputed': {
      const at = dueMs + int(0, 10) * DAY;
      state = advance(state, startAt, at, [{ type: 'disputeOpened', at }]);
      now = at + DAY;
      break;
    }
  }
  return { state, now, kind };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function main() {
  const t0 = process.hrtime.bigint();
  const cases: Case[] = new Array<Case>(ACCOUNTS);
  for (let i = 0; i < ACCOUNTS; i++) cases[i] = buildCase(i);
  const buildSec = Number(process.hrtime.bigint() - t0) / 1e9;
  const states = cases.map((c) => c.state);
  const nows = cases.map((c) => c.now);
  const byKind = new Map<Kind, number>();
  for (const c of cases) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);

  let sink = 0;
  const call = (i: number) => {
    const d = next(states[i]!, nows[i]!);
    if (d.type === 'act') sink += d.at & 1;
  };

  // Warm-up: one pass over the corpus (JIT, offset and holiday caches).
  for (let i = 0; i < ACCOUNTS; i++) call(i);

  // Throughput: batches of BATCH calls, so timer overhead stays out of the per-call figure.
  const PASSES = 3;
  const batchCount = Math.floor(ACCOUNTS / BATCH);
  const perCallFromBatches = new Float64Array(batchCount * PASSES);
  let totalNs = 0n;
  let calls = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    for (let b = 0; b < batchCount; b++) {
      const start = b * BATCH;
      const s = process.hrtime.bigint();
      for (let i = start; i < start + BATCH; i++) call(i);
      const dt = process.hrtime.bigint() - s;
      totalNs += dt;
      calls += BATCH;
      perCallFromBatches[pass * batchCount + b] = Number(dt) / BATCH / 1000;
    }
  }
  const decisionsPerSec = calls / (Number(totalNs) / 1e9);

  // Latency: single calls, each timed alone (includes ~0.05–0.1 µs of hrtime overhead).
  const SAMPLES = Math.min(ACCOUNTS, 200_000);
  const single = new Float64Array(SAMPLES);
  const stride = Math.max(1, Math.floor(ACCOUNTS / SAMPLES));
  for (let k = 0; k < SAMPLES; k++) {
    const i = (k * stride) % ACCOUNTS;
    const s = process.hrtime.bigint();
    call(i);
    single[k] = Number(process.hrtime.bigint() - s) / 1000;
  }
  // Mean per corpus kind (one timed pass per kind), to show where the time goes.
  const perKind: string[] = [];
  for (const kind of new Set(cases.map((c) => c.kind))) {
    const idx = cases.flatMap((c, i) => (c.kind === kind ? [i] : []));
    const s = process.hrtime.bigint();
    for (const i of idx) call(i);
    perKind.push(`${kind} ${(Number(process.hrtime.bigint() - s) / idx.length / 1000).toFixed(2)}`);
  }
  single.sort();
  perCallFromBatches.sort();
  const p50Us = percentile(single, 0.5);
  const p99Us = percentile(single, 0.99);
  const p999Us = percentile(single, 0.999);

  const ok = decisionsPerSec >= TARGET_DPS && p99Us < TARGET_P99_US;
  const row = (k: string, v: string) => console.log(`  ${k.padEnd(34)} ${v}`);
  console.log(`engine-decisions — next(state, now) on one thread (node ${process.version})`);
  row('corpus (accounts)', `${ACCOUNTS.toLocaleString('en-US')} (seed ${SEED}, built in ${buildSec.toFixed(1)} s)`);
  row('corpus mix', [...byKind].map(([k, n]) => `${k} ${n}`).join(', '));
  row('jurisdictions', JURISDICTIONS.join(', '));
  row('timed calls', `${calls.toLocaleString('en-US')} in batches of ${BATCH}`);
  row(
    'decisions/s',
    `${Math.round(decisionsPerSec).toLocaleString('en-US')} (target ≥ ${TARGET_DPS.toLocaleString('en-US')})`
  );
  row(
    'mean per call (batches) p50 / p99',
    `${percentile(perCallFromBatches, 0.5).toFixed(2)} / ${percentile(perCallFromBatches, 0.99).toFixed(2)} µs`
  );
  row(
    'single call p50 / p99 / p99.9',
    `${p50Us.toFixed(2)} / ${p99Us.toFixed(2)} / ${p999Us.toFixed(2)} µs (target p99 < ${TARGET_P99_US})`
  );
  row('mean µs per call by kind', perKind.join(', '));
  row('targets met', ok ? 'yes' : 'NO');
  if (sink === -1) console.log(sink); // keep the calls observable
  console.log(
    JSON.stringify({
      bench: 'engine-decisions',
      decisionsPerSec: Math.round(decisionsPerSec),
      p50Us: Number(p50Us.toFixed(2)),
      p99Us: Number(p99Us.toFixed(2)),
      corpus: ACCOUNTS,
    })
  );
}

main();
