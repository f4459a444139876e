import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/**
 * Histories recorded from real Temporal servers by the server suites, committed as replay fixtures: the ordinary
 * suite replays every one of them through the current workflow code (test/replay/recorded-histories.test.ts), so a
 * change that is not deterministic fails even where no server runs.
 *
 * They are written only when COBRANZA_RECORD_HISTORIES=1 (`npm run histories:record`): an ordinary run must not
 * rewrite committed files. Refresh them when a change to the workflow is meant to change its commands, and then
 * only behind `patched()` once any workflow of the old shape may still be running in production (README).
 */
export const HISTORIES_DIR = join(__dirname, '..', 'replay', 'histories');

export const recordingHistories = (): boolean => process.env.COBRANZA_RECORD_HISTORIES === '1';

/**
 * Writes the whole history of one run: the handle's first run (a handle from `start`), or the run named. The run must
 * be closed, so that the fixture ends with its terminal event (completed, continued as new).
 */
export async function recordHistory(
  client: Client,
  run: { workflowId: string; firstExecutionRunId?: string; runId?: string },
  name: string
): Promise<void> {
  if (!recordingHistories()) return;
  const history = await client.workflow.getHandle(run.workflowId, run.runId ?? run.firstExecutionRunId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const fixture = {
    workflowId: run.workflowId,
    recordedAt: new Date().toISOString(),
    history: JSON.parse(historyToJSON(history)) as unknown,
  };
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
}

export interface HistoryFixture {
  name: string;
  workflowId: string;
  history: unknown;
}

export function loadHistoryFixtures(): HistoryFixture[] {
  let files: string[];
  try {
    files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((f) => {
    const parsed = JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8')) as { workflowId: string; history: unknown };
    return { name: f.replace(/\.json$/, ''), workflowId: parsed.workflowId, history: parsed.history };
  });
}
