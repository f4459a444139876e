import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import { inputProblems } from '../workflows/input-problems';
import { runPreview } from '../workflows/preview';

export class UsageError extends Error {}

/** `cobranza preview scenario.json` (or `-` for stdin): the planned timeline as JSON on stdout. */
export function previewCommand(
  args: readonly string[],
  io: { stdout: (s: string) => void; stdinText: () => string }
): void {
  const source = args[0];
  if (!source || args.length > 1) throw new UsageError('usage: cobranza preview <scenario.json | ->');
  let text: string;
  try {
    text = source === '-' ? io.stdinText() : readFileSync(source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    io.stdout(`${JSON.stringify(runPreview(json), null, 2)}\n`);
  } catch (err) {
    if (err instanceof ZodError) {
      throw new UsageError(
        ['invalid scenario:', ...inputProblems(err).map((p) => `  ${p.field}: ${p.message}`)].join('\n')
      );
    }
    throw err;
  }
}
