import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { formatDuration, isExecutable, onPath, runWithProgress, toolCacheDir, type Progress } from './tool-cache';

/**
 * The Temporal CLI (`temporal server start-dev`: the dev server with its Web UI), built from its Go module when no
 * binary is at hand. Pinned to v1.5.1 (Temporal server 1.29.1, UI 2.42.1, pure-Go SQLite): from v1.6.0 on, the
 * module's go.mod has a `replace` directive, which `go install module@version` refuses.
 */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export type TemporalCliSource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'built';
export interface TemporalCli {
  path: string;
  source: TemporalCliSource;
}

export class TemporalCliUnavailableError extends Error {}

export function cachedTemporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolCacheDir(env), 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

/**
 * A CLI that is already on this machine, in the order `cobranza dev` tries them: TEMPORAL_CLI_PATH, `temporal` on
 * PATH, the cached build. A TEMPORAL_CLI_PATH that is not an executable is an error, not a reason to look further.
 */
export function existingTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCli | undefined {
  const explicit = env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    if (!isExecutable(explicit))
      throw new TemporalCliUnavailableError(`TEMPORAL_CLI_PATH=${explicit} is not an executable file`);
    return { path: explicit, source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { path: fromPath, source: 'PATH' };
  const cached = cachedTemporalCliPath(env);
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

export function canBuildTemporalCli(env: NodeJS.ProcessEnv = process.env): boolean {
  return onPath('go', env) !== undefined;
}

/**
 * `go install` of the pinned module into the cache. Minutes on a cold machine (about 4 min on 2 cores, most of it
 * compiling the server), seconds once Go's own build cache is warm. The binary is moved into place only once
 * complete, so an interrupted build never leaves a broken one behind.
 */
export async function buildTemporalCli(env: NodeJS.ProcessEnv, progress: Progress): Promise<TemporalCli> {
  const go = onPath('go', env);
  if (!go) throw new TemporalCliUnavailableError('`go` is not on PATH, so the Temporal CLI cannot be built here');
  const target = cachedTemporalCliPath(env);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), '.build-'));
  progress(
    `building the Temporal CLI ${TEMPORAL_CLI_VERSION} from ${TEMPORAL_CLI_MODULE} with ${go} (once; cold builds take minutes)`
  );
  try {
    const ms = await runWithProgress(
      go,
      ['install', '-v', '-trimpath', '-ldflags=-s -w', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
      {
        env: { ...env, GOBIN: staging, CGO_ENABLED: '0' },
        what: `building the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
        progress,
        countLines: { pattern: /^[\w.-]+\.[a-z]+\/|^[a-z]+(\/[\w.-]+)*$/, noun: 'packages compiled' },
      }
    );
    renameSync(join(staging, 'temporal'), target);
    progress(`built the Temporal CLI ${TEMPORAL_CLI_VERSION} in ${formatDuration(ms)}: ${target}`);
    return { path: target, source: 'built' };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
