import type { TestWorkflowEnvironment } from '@temporalio/testing';
import request from 'supertest';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { createApp } from '../../api/app';
import type { ApiConfig } from '../../api/config';
import type { TemporalClient } from '../../api/deps';
import type { ApiStore } from '../../api/store';
import type { TemporalServers } from '../../cli/temporal-servers-command';
import type { Account } from '../../workflows/engine/account';
import { addDays, localParts } from '../../workflows/engine/zoned-time';
import { statusQuery, type DunningStatus } from '../../workflows/messages';
import { workflowIdFor } from '../../workflows/workflow-input';
import { startCobranzaWorkers, type RunningWorkers } from '../helpers/cobranza-worker';
import { startDevServer } from '../helpers/temporal-servers';
import { bearer, cuenta, KEYS, memoryLogger, openTestDb, testConfig } from './helpers';

/**
 * The HTTP API over a real Temporal dev server, for one spec file: the production workers on the real activities
 * and an embedded database, and `createApp` with the environment's client. Call it inside `describeWithTemporal`;
 * the fields are set once `beforeAll` has run.
 */
export interface ApiOnTemporal {
  env: TestWorkflowEnvironment;
  database: Awaited<ReturnType<typeof openTestDb>>;
  app: ReturnType<typeof createApp>['app'];
  /** Another app over the same database and server, with some of its dependencies replaced. */
  appWith(deps?: {
    temporal?: TemporalClient;
    store?: ApiStore;
    config?: Partial<ApiConfig>;
  }): ReturnType<typeof createApp>['app'];
}

export function useApiOnTemporal(servers: TemporalServers): ApiOnTemporal {
  const bed = {} as ApiOnTemporal;
  let workers: RunningWorkers | undefined;
  bed.appWith = (deps = {}) =>
    createApp({
      temporal: deps.temporal ?? bed.env.client,
      db: bed.database.db,
      ...(deps.store && { store: deps.store }),
      config: testConfig(deps.config),
      logger: memoryLogger().logger,
    }).app;

  beforeAll(async () => {
    bed.env = await startDevServer(servers);
    bed.database = await openTestDb();
    workers = await startCobranzaWorkers({ env: bed.env, db: bed.database.db });
    bed.app = bed.appWith();
  });

  afterAll(async () => {
    await workers?.stop();
    await bed.env?.teardown();
    await bed.database?.close();
  });
  return bed;
}

export const svc = bearer(KEYS.service);
export const agt = bearer(KEYS.agent);

/** Retries `probe` until it stops throwing: what a workflow does happens shortly after the request that caused it. */
export const eventually = <T>(probe: () => Promise<T>, timeout = 30_000) =>
  vi.waitFor(probe, { timeout, interval: 250 });

/** Today's date in `zone`, by the real clock the dev server and the workers run on. */
export const todayIn = (zone: string) => localParts(zone, Date.now()).date;

/** A Bogotá debtor (es-CO) whose payment falls due in five days: placed, the ladder waits for the pre-due nudge. */
export const bogotaDueInFiveDays = (): Account => cuenta({ dueDate: addDays(todayIn('America/Bogota'), 5) });

/** Places `account` through the API and waits until its workflow answers the status query. */
export async function placed(bed: ApiOnTemporal, account: Account = bogotaDueInFiveDays()): Promise<Account> {
  const res = await request(bed.app).post('/v1/accounts').set('Authorization', svc).send(account);
  expect(res.status).toBe(201);
  await statusOf(bed, account.id);
  return account;
}

/** The workflow's status query; polled, since a query waits for the workflow's first task. */
export const statusOf = (bed: ApiOnTemporal, accountId: string): Promise<DunningStatus> =>
  eventually(() => bed.env.client.workflow.getHandle(workflowIdFor(accountId)).query(statusQuery));
