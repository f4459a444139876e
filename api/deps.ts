import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ApiConfig } from './config';
import type { ApiMetrics } from './metrics';
import type { LadderCatalog } from './ladder-catalog';
import type { ApiStore } from './store';

/** The Temporal client surface the API uses: `client.workflow.start / getHandle / signalWithStart`. */
export type TemporalClient = Pick<Client, 'workflow'>;

export interface RouteDeps {
  temporal: TemporalClient;
  store: ApiStore;
  /** The ladder catalog: drafts, published and retired versions. */
  ladders: LadderCatalog;
  config: ApiConfig;
  logger: Logger;
  metrics: ApiMetrics;
  now: () => number;
}
