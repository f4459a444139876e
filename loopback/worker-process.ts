import { spawnGrouped, type ChildExit } from './process-group';

export type WorkerExit = ChildExit;

/** `npx tsx worker/main.ts` as a child process in its own process group. */
export interface WorkerProcess {
  readonly name: string;
  /** The pid of the worker's node process (from its "worker started" line), not of npx. */
  readonly workerPid: number;
  /** What Temporal records as the identity of this worker's polls: `<pid>@<hostname>` (the SDK's default). */
  readonly identity: string;
  /** Everything the child wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** The pino JSON lines of the output, parsed. */
  logLines(): Record<string, unknown>[];
  /** Whether the child has exited. */
  exited(): boolean;
  /** `kill -9` of the whole group (npx, tsx and the worker): no shutdown, no drain. Resolves once all are gone. */
  kill9(boundMs?: number): Promise<WorkerExit>;
  /** SIGTERM to the group (the Runtime drains), then SIGKILL if it has not exited within `boundMs`. */
  stop(boundMs?: number): Promise<WorkerExit>;
}

/**
 * Starts the production worker process with exactly `env` (nothing of the test run's environment leaks in) and
 * resolves once it logged "worker started"; rejects, with the child's output and the child killed, if it exits or
 * does not start within `startBoundMs`.
 */
export async function startWorkerProcess(
  name: string,
  env: NodeJS.ProcessEnv,
  startBoundMs = 90_000
): Promise<WorkerProcess> {
  // --no: never ask the registry; tsx is a dependency of the repository.
  const child = spawnGrouped(`worker ${name}`, 'npx', ['--no', 'tsx', 'worker/main.ts'], env);
  const { pgid, exited, output } = child;

  const logLines = () =>
    output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });

  /** Waits for `exited`, killing the group once `boundMs` passes; then makes sure no member of the group is left. */
  const reap = async (boundMs: number): Promise<WorkerExit> => {
    const bound = new Promise<'bound'>((resolve) => setTimeout(() => resolve('bound'), boundMs).unref());
    if ((await Promise.race([exited, bound])) === 'bound') child.signalGroup('SIGKILL');
    const result = await exited;
    // npx can exit before its children: wait (bounded) for the group to be empty.
    for (let i = 0; i < 50 && child.groupAlive(); i++) {
      child.signalGroup('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (child.groupAlive()) throw new Error(`worker ${name}: process group ${pgid} still alive after SIGKILL`);
    return result;
  };

  const started = await child
    .waitFor(() => logLines().find((l) => l.msg === 'worker started'), 'it logged "worker started"', startBoundMs)
    .catch(async (err: unknown) => {
      child.signalGroup('SIGKILL');
      await reap(5_000);
      throw err;
    });

  const workerPid = Number(started.pid);
  return {
    name,
    workerPid,
    identity: `${workerPid}@${String(started.hostname)}`,
    output,
    logLines,
    exited: () => child.exit() !== undefined,
    async kill9(boundMs = 10_000) {
      child.signalGroup('SIGKILL');
      return reap(boundMs);
    },
    async stop(boundMs = 15_000) {
      if (!child.exit()) child.signalGroup('SIGTERM');
      return reap(boundMs);
    },
  };
}

/** Where a worker child connects and what it loads; everything a loopback run varies. */
export interface WorkerSettings {
  temporalAddress: string;
  namespace?: string;
  databaseUrl: string;
  dataDir: string;
  workflowBundlePath: string;
  metricsPort: number;
  /** Twilio and SendGrid pointed at the provider simulator, and the links' base URL and secret. */
  providerEnv: Record<string, string>;
  /** Anything else, e.g. MESSAGING_MAX_PER_SECOND. */
  extra?: Record<string, string>;
}

/**
 * The whole environment of a worker child: PATH, HOME and TMPDIR to find node and its caches, and the settings;
 * nothing else of this process's environment. Payloads are not encrypted (loopback only) and shutdown is quick.
 */
export function workerEnv(s: WorkerSettings): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.TMPDIR && { TMPDIR: process.env.TMPDIR }),
    TEMPORAL_ADDRESS: s.temporalAddress,
    TEMPORAL_NAMESPACE: s.namespace ?? 'default',
    DATABASE_URL: s.databaseUrl,
    DATA_DIR: s.dataDir,
    PAYLOAD_ENCRYPTION_DISABLED: 'true',
    ...s.providerEnv,
    WORKER_METRICS_ADDRESS: `127.0.0.1:${s.metricsPort}`,
    WORKFLOW_BUNDLE_PATH: s.workflowBundlePath,
    SHUTDOWN_GRACE_MS: '2000',
    LOG_LEVEL: 'info',
    ...s.extra,
  };
}
