import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

/**
 * Ends the run with the plain line `N passed, N failed, N skipped`, which CI systems that do not parse vitest's
 * own summary understand. A hook that fails (a `beforeAll` that cannot open its database) leaves its tests
 * unrun rather than failed, so every failed suite, failed file and unhandled error counts as one failure too:
 * the line must never say 0 failed for a run that failed.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    _reason: TestRunEndReason
  ): void {
    process.stdout.write(`\n${summaryLine(testModules, unhandledErrors.length)}\n`);
  }
}

/** The parts of vitest's TestModule the count reads. */
export type SummarizedModule = Pick<TestModule, 'state'> & {
  children: Pick<TestModule['children'], 'allTests' | 'allSuites'>;
};

export function summaryLine(testModules: ReadonlyArray<SummarizedModule>, unhandledErrors: number): string {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let failedSetups = 0;
  for (const mod of testModules) {
    let failedHere = 0;
    for (const test of mod.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') failedHere++;
      else skipped++;
    }
    failed += failedHere;
    if (failedHere === 0) {
      const failedSuites = [...mod.children.allSuites()].filter((s) => s.state() === 'failed').length;
      failedSetups += failedSuites > 0 ? failedSuites : mod.state() === 'failed' ? 1 : 0;
    }
  }
  failed += failedSetups + unhandledErrors;
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}
