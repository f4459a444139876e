import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { PREVIEW_UNSUBSCRIBE_URL, previewReport } from '../api/preview-report';
import { inputProblems } from '../workflows/engine/input-problems';

export class UsageError extends Error {}

const USAGE_LINE = 'usage: cobranza preview [--text] <scenario.json | ->';

export const PREVIEW_USAGE = `${USAGE_LINE}

Runs the ladder's engine over one account and a horizon, sending nothing, and prints a JSON report:
  account     who is previewed, and the zone every "local" time is in
  actions     planned messages, agent tasks and the ladder's end: UTC and local time, amount in minor units
              and in the account's currency
  moved       each step the contact rules moved: planned and final instant, every rule in order
  suppressed  steps held back by a promise, an agreement, a dispute or a cease request
  skipped     steps and channels passed over, with the reason
  rejected    events the engine refused, and why
  final       status, stage reached and balance

options:
  --text      add each message's text, rendered as the send renders it (SMS body, or email subject and
              text; the unsubscribe link is the placeholder ${PREVIEW_UNSUBSCRIBE_URL}, and the
              creditor is the scenario's account.creditor: the worker's CREDITOR_* fallback is not read)
  -h, --help  print this help

The scenario is { "account", "startAt", "until", "ladder" (null: the default ladder), "events" }; "-" reads it
from stdin. See the README, "Simulate a ladder". Exit code 2 for invalid input, naming the field.
`;

/** A usage mistake: what was wrong, the usage line, and where the full help is. */
const misuse = (problem: string) =>
  new UsageError(`preview: ${problem}\n${USAGE_LINE}\n(cobranza preview --help for the options and the report)`);

/** `cobranza preview [--text] scenario.json` (or `-` for stdin): the preview report as JSON on stdout. */
export function previewCommand(
  args: readonly string[],
  io: { stdout: (s: string) => void; stdinText: () => string }
): void {
  let text = false;
  const sources: string[] = [];
  for (const arg of args) {
    if (arg === '--help' || arg === '-h') {
      io.stdout(PREVIEW_USAGE);
      return;
    }
    if (arg === '--text') text = true;
    else if (arg.startsWith('-') && arg !== '-') throw misuse(`unknown option ${arg}`);
    else sources.push(arg);
  }
  const [source] = sources;
  if (source === undefined) throw misuse('no scenario given');
  if (sources.length > 1) throw misuse(`one scenario at a time, got ${sources.join(' ')}`);
  let input: string;
  try {
    input = source === '-' ? io.stdinText() : readFileSync(source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(input);
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    io.stdout(`${JSON.stringify(previewReport(json, { text }), null, 2)}\n`);
  } catch (err) {
    if (err instanceof ZodError) {
      throw new UsageError(
        ['invalid scenario:', ...inputProblems(err).map((p) => `  ${p.field}: ${p.message}`)].join('\n')
      );
    }
    throw err;
  }
}
