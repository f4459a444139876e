import { spawn } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..');

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A command of the repository run as the leader of its own process group, its output kept. */
export interface GroupedChild {
  /** The child's pid, which is also its process group id. */
  readonly pgid: number;
  /** Everything the child wrote so far, stdout and stderr interleaved. */
  readonly output: () => string;
  /** How the child exited, once it has. */
  readonly exit: () => ChildExit | undefined;
  readonly exited: Promise<ChildExit>;
  /**
   * Resolves with the first value `probe` returns, probing again on every chunk of output; rejects with the output's
   * tail when the child exits first or `timeoutMs` passes.
   */
  readonly waitFor: <T>(probe: () => T | undefined, what: string, timeoutMs: number) => Promise<T>;
  /** Sends `signal` to every process of the group; a group already gone is not an error. */
  readonly signalGroup: (signal: NodeJS.Signals) => void;
  /** Whether any process of the group is still alive. */
  readonly groupAlive: () => boolean;
}

/**
 * Spawns `command` in the repository with exactly `env` (nothing of the test run's environment leaks in), detached
 * into its own process group so that a test can signal or kill it and everything it started.
 */
export function spawnGrouped(label: string, command: string, args: string[], env: NodeJS.ProcessEnv): GroupedChild {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid!;
  let output = '';
  let exit: ChildExit | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  // Decoded per stream, so a character split across two chunks ("…", "é") stays whole.
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      notify();
    });
  }
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
      notify();
    })
  );

  const waitFor = <T>(probe: () => T | undefined, what: string, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) return done(() => resolve(found));
        if (exit)
          return done(() =>
            reject(new Error(`${label} exited (${exit!.code ?? exit!.signal}) before ${what}:\n${tail(output)}`))
          );
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${label}: no ${what} within ${timeoutMs / 1000} s:\n${tail(output)}`))),
        timeoutMs
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  return {
    pgid,
    output: () => output,
    exit: () => exit,
    exited,
    waitFor,
    signalGroup: (signal) => {
      try {
        process.kill(-pgid, signal);
      } catch {
        // Already gone.
      }
    },
    groupAlive: () => {
      try {
        process.kill(-pgid, 0);
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The last `lines` lines of a child's output, for error messages. */
export function tail(out: string, lines = 40): string {
  return out.split('\n').slice(-lines).join('\n');
}
