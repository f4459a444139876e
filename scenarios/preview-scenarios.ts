import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The preview scenario files: one account and horizon each, with its events, as `cobranza preview <file>` reads
 * them. One per persona and jurisdiction with no events (the plain ladder under each jurisdiction's rules), and a
 * few that are about an event: a partial payment, a promise kept and one broken, an agreement whose second
 * installment is missed, a dispute, an opt-out then a cease request, and a placement after the due date.
 */
export const PREVIEW_SCENARIOS_DIR = path.join(__dirname, 'previews');

/** Their paths, in file-name order. */
export function previewScenarioFiles(): string[] {
  return readdirSync(PREVIEW_SCENARIOS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(PREVIEW_SCENARIOS_DIR, f));
}
