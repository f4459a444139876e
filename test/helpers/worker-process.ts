import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

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
  const child = spawn('npx', ['--no', 'tsx', 'worker/main.ts'], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid!;
  let output = '';
  let exit: WorkerExit | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    notify();
  });
  const exited = new Promise<WorkerExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
      notify();
    })
  );

  const logLines = () =>
    output
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
    if ((await Promise.race([exited, bound])) === 'bound') signalGroup(pgid, 'SIGKILL');
    const result = await exited;
    // npx can exit before its children: wait (bounded) for the group to be empty.
    for (let i = 0; i < 50 && groupAlive(pgid); i++) {
      signalGroup(pgid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (groupAlive(pgid)) throw new Error(`worker ${name}: process group ${pgid} still alive after SIGKILL`);
    return result;
  };

  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const check = () => {
      const line = logLines().find((l) => l.msg === 'worker started');
      if (line) return done(() => resolve(line));
      if (exit) {
        return done(() =>
          reject(new Error(`worker ${name} exited (${exit!.code ?? exit!.signal}) before it started:\n${tail(output)}`))
        );
      }
    };
    const timer = setTimeout(
      () =>
        done(() => reject(new Error(`worker ${name} did not start within ${startBoundMs / 1000} s:\n${tail(output)}`))),
      startBoundMs
    );
    const done = (settle: () => void) => {
      clearTimeout(timer);
      listeners.delete(check);
      settle();
    };
    listeners.add(check);
    check();
  }).catch(async (err: unknown) => {
    signalGroup(pgid, 'SIGKILL');
    await reap(5_000);
    throw err;
  });

  const workerPid = Number(started.pid);
  return {
    name,
    workerPid,
    identity: `${workerPid}@${String(started.hostname)}`,
    output: () => output,
    logLines,
    exited: () => exit !== undefined,
    async kill9(boundMs = 10_000) {
      signalGroup(pgid, 'SIGKILL');
      return reap(boundMs);
    },
    async stop(boundMs = 15_000) {
      if (!exit) signalGroup(pgid, 'SIGTERM');
      return reap(boundMs);
    },
  };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function tail(out: string, lines = 40): string {
  return out.split('\n').slice(-lines).join('\n');
}
