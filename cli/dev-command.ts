/** `cobranza dev`: filled in by the operations work (API + worker + embedded database + Temporal dev server). */
export function devCommand(_args: readonly string[]): Promise<number> {
  process.stderr.write('cobranza dev: not available yet in this build; use `cobranza preview` to simulate a ladder.\n');
  return Promise.resolve(1);
}
