/* eslint-disable @typescript-eslint/require-await -- the double mirrors an async client API without doing I/O */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createApp, type AppDeps } from '../../api/app';
import { parseApiKeys, type ApiConfig } from '../../api/config';
import type { TemporalClient } from '../../api/deps';
import { openDatabase } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import type { Database } from '../../db/schema';
import type { Account } from '../../workflows/engine/account';
import { initialState, type EngineState } from '../../workflows/engine/state';
import { statusOf } from '../../workflows/engine/status';
import { contactPolicyFor } from '../../workflows/engine/jurisdictions';
import { defaultLadder } from '../../workflows/engine/ladder';
import type { DunningWorkflowInput } from '../../workflows/workflow-input';

export const KEYS = {
  service: 'svc_servicekey_0001',
  agent: 'agt_agentkey_0002',
  admin: 'adm_adminkey_0003',
};
export const bearer = (k: string) => `Bearer ${k}`;
export const TWILIO_TOKEN = 'twilio-test-auth-token-0123456789';
export const PUBLIC_BASE_URL = 'https://cobranza.example.com';

/** 2026-11-20 15:00 UTC: a Friday; 10:00 in Bogotá and Mexico City (-05/-06 → 10:00/09:00). */
export const NOW = Date.parse('2026-11-20T15:00:00Z');

export function testConfig(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    apiKeys: parseApiKeys(`${KEYS.service}:service,${KEYS.agent}:agent,${KEYS.admin}:admin`),
    publicBaseUrl: PUBLIC_BASE_URL,
    twilioAuthToken: TWILIO_TOKEN,
    sendgridPublicKey: undefined,
    rateLimit: { max: 10_000, windowMs: 60_000 },
    bodyLimit: '1mb',
    batchBodyLimit: '10mb',
    batchMaxItems: 5000,
    batchConcurrency: 16,
    sendgridMaxAgeSeconds: 0,
    ...overrides,
  };
}

export interface RecordedCall {
  method: 'start' | 'signal' | 'query' | 'describe' | 'signalWithStart';
  workflowId: string;
  name?: string;
  args?: unknown;
  options?: Record<string, unknown>;
}

/**
 * A stand-in for Temporal's `client.workflow` (no server exists on this machine): records every call, keeps an
 * engine state per started workflow so the `status` query answers what the real workflow would.
 */
export class FakeTemporal implements TemporalClient {
  readonly calls: RecordedCall[] = [];
  readonly states = new Map<string, EngineState>();
  /** When set, every call fails with it (e.g. a connection error). */
  failWith: Error | undefined;

  constructor(private readonly now: () => number = () => NOW) {}

  private check(): void {
    if (this.failWith) throw this.failWith;
  }

  readonly workflow = {
    start: async (workflow: string | ((...args: never[]) => unknown), options: Record<string, unknown>) => {
      this.check();
      const type = typeof workflow === 'string' ? workflow : workflow.name;
      const workflowId = options.workflowId as string;
      this.calls.push({ method: 'start', workflowId, name: type, options });
      if (this.states.has(workflowId))
        throw new WorkflowExecutionAlreadyStartedError('Workflow execution already started', workflowId, type);
      const input = (options.args as [DunningWorkflowInput])[0];
      this.states.set(workflowId, initialState(input.account, input.ladder, input.policy, this.now()));
      return this.workflow.getHandle(workflowId);
    },
    getHandle: (workflowId: string) => ({
      workflowId,
      signal: async (def: { name: string } | string, payload: unknown) => {
        this.check();
        const name = typeof def === 'string' ? def : def.name;
        if (!this.states.has(workflowId)) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
        this.calls.push({ method: 'signal', workflowId, name, args: payload });
      },
      query: async (def: { name: string } | string) => {
        this.check();
        const name = typeof def === 'string' ? def : def.name;
        const state = this.states.get(workflowId);
        if (!state) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
        this.calls.push({ method: 'query', workflowId, name });
        return statusOf(state, this.now());
      },
      describe: async () => {
        this.check();
        if (!this.states.has(workflowId)) throw new WorkflowNotFoundError('workflow not found', workflowId, undefined);
        return { workflowId, status: { name: 'RUNNING' } };
      },
    }),
    signalWithStart: async (workflow: string | ((...args: never[]) => unknown), options: Record<string, unknown>) => {
      this.check();
      const type = typeof workflow === 'string' ? workflow : workflow.name;
      const workflowId = options.workflowId as string;
      const def = options.signal as { name: string } | string;
      const name = typeof def === 'string' ? def : def.name;
      const args = (options.signalArgs as unknown[])[0];
      this.calls.push({ method: 'signalWithStart', workflowId, name, args, options: { ...options, type } });
      if (!this.states.has(workflowId)) {
        const input = (options.args as [DunningWorkflowInput])[0];
        this.states.set(workflowId, initialState(input.account, input.ladder, input.policy, this.now()));
      }
      return this.workflow.getHandle(workflowId);
    },
  } as unknown as TemporalClient['workflow'];

  /** Signals delivered, plain or with signal-with-start. */
  signals(name?: string): RecordedCall[] {
    return this.calls.filter(
      (c) => (c.method === 'signal' || c.method === 'signalWithStart') && (name === undefined || c.name === name)
    );
  }

  /** Pretends the account already has a workflow, with the engine state `tweak` returns. */
  seed(account: Account, tweak: (s: EngineState) => EngineState = (s) => s): void {
    const s = initialState(account, defaultLadder, contactPolicyFor(account.debtor.jurisdiction)!, this.now());
    this.states.set(`dunning-${account.id}`, tweak(s));
  }
}

/** What the API received for an account, as its inbox holds it: kind, key, payload and how it was delivered. */
export function inboxOf(db: Kysely<Database>, accountId: string) {
  return db
    .selectFrom('inbox_events')
    .select(['kind', 'key', 'payload', 'delivery'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
}

/** The opt-outs and cease requests the API received for an account, as its inbox holds them. */
export async function receivedOptOuts(db: Kysely<Database>, accountId: string) {
  return (await inboxOf(db, accountId)).filter((e) => e.kind === 'opt_out').map((e) => e.payload);
}

export async function openTestDb(): Promise<{ db: Kysely<Database>; close(): Promise<void> }> {
  const opened = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(opened.db);
  return opened;
}

export interface LogLine {
  msg?: string;
  [k: string]: unknown;
}

/** A pino logger writing into an array, so tests can assert what is (and is not) logged. */
export function memoryLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  return { logger, lines };
}

export function makeApp(db: Kysely<Database>, opts: Partial<AppDeps> & { temporal?: FakeTemporal } = {}) {
  const temporal = opts.temporal ?? new FakeTemporal();
  const { logger, lines } = memoryLogger();
  const built = createApp({
    db,
    config: testConfig(),
    logger,
    registry: new Registry(),
    now: () => NOW,
    ...opts,
    temporal,
  });
  return { ...built, temporal, logLines: lines };
}

let seq = 0;
/** A Bogotá debtor (es-CO) with every channel; ids unique per call so suites sharing a database never collide. */
export function cuenta(overrides: Partial<Account> = {}): Account {
  seq++;
  return {
    id: `cta-${process.pid}-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    debtor: {
      name: 'María Fernanda Gómez',
      phone: `+5730012${String(seq).padStart(5, '0')}`,
      email: `maria.gomez${seq}@example.co`,
      timezone: 'America/Bogota',
      jurisdiction: 'CO',
      locale: 'es-CO',
    },
    balance: { amountMinor: 150_000_00, currency: 'COP' },
    dueDate: '2026-11-15',
    creditor: { name: 'Financiera Andina S.A.S.' },
    ...overrides,
  };
}

/** A São Paulo debtor (pt-BR). */
export function conta(overrides: Partial<Account> = {}): Account {
  return cuenta({
    debtor: {
      name: 'João da Silva Souza',
      phone: `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      timezone: 'America/Sao_Paulo',
      jurisdiction: 'BR',
      locale: 'pt-BR',
    },
    balance: { amountMinor: 2_500_00, currency: 'BRL' },
    creditor: { name: 'Banco Paulista S.A.', address: 'Av. Paulista, 1000, São Paulo', taxId: '12.345.678/0001-95' },
    ...overrides,
  });
}

/** Asserts an RFC 9457 problem document and returns it. */
export function expectProblem(res: { status: number; headers: Record<string, string>; body: unknown }, status: number) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  if (!String(res.headers['content-type']).startsWith('application/problem+json'))
    throw new Error(`expected application/problem+json, got ${res.headers['content-type']}`);
  const body = res.body as {
    type: string;
    title: string;
    status: number;
    detail: string;
    instance: string;
    errors: { field: string; message: string }[];
  };
  for (const k of ['type', 'title', 'detail', 'instance'] as const)
    if (typeof body[k] !== 'string') throw new Error(`problem lacks ${k}: ${JSON.stringify(body)}`);
  if (body.status !== status || !Array.isArray(body.errors)) throw new Error(`bad problem: ${JSON.stringify(body)}`);
  return body;
}
