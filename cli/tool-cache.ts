import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Where built and downloaded tools are kept: outside the repository, so a fresh clone on the same machine (and CI's
 * next run) reuses them. `COBRANZA_CACHE_DIR`, else `$XDG_CACHE_HOME/cobranza`, else `~/.cache/cobranza`.
 * deploy/temporal-servers/temporal-test-server computes the same path.
 */
export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.COBRANZA_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cobranza');
}

/** The first executable called `name` on PATH, or undefined. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Progress lines for a long step: what it is, then how long it has run, then how long it took. */
export type Progress = (line: string) => void;

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Named in the progress lines, e.g. "building the Temporal CLI v1.5.1". */
  what: string;
  progress: Progress;
  /** How often to say it is still running. */
  everyMs?: number;
  /** Counts the step's own output lines that match (compiled packages, downloaded modules) for the progress. */
  countLines?: { pattern: RegExp; noun: string };
}

export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string
  ) {
    super(`${command} exited with ${exitCode ?? 'a signal'}:\n${output.trim().split('\n').slice(-15).join('\n')}`);
  }
}

/** Runs a command to completion, saying every `everyMs` that it still runs; resolves with its duration in ms. */
export function runWithProgress(command: string, args: readonly string[], opts: RunOptions): Promise<number> {
  const started = Date.now();
  const every = opts.everyMs ?? 15_000;
  let counted = 0;
  let tail = '';
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-20_000);
      if (opts.countLines) for (const line of text.split('\n')) if (opts.countLines.pattern.test(line)) counted++;
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      const count = opts.countLines ? `, ${counted} ${opts.countLines.noun}` : '';
      opts.progress(`${opts.what}: ${formatDuration(Date.now() - started)} so far${count}`);
    }, every);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve(Date.now() - started);
      else reject(new CommandFailedError([command, ...args].join(' '), code, tail));
    });
  });
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
