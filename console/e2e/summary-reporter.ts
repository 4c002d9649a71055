import type { FullResult, Reporter, Suite } from '@playwright/test/reporter';

/**
 * Prints the suite's plain closing line, as the jest run does for its own: `console: N passed, N failed, N skipped`.
 * Tests that never ran because the run failed count as failed, not skipped; a run that failed before listing its
 * tests (no browser, the harness did not start) prints one failure.
 */
export default class SummaryReporter implements Reporter {
  private root: Suite | undefined;

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  printsToStdio(): boolean {
    return false;
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.root?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') passed++;
      else if (outcome === 'unexpected') failed++;
      else if (test.results.length === 0 && result.status !== 'passed') failed++;
      else skipped++;
    }
    // The run failed before any test could (global setup: no browser, the harness did not start): that is a failure too.
    if (result.status !== 'passed' && failed === 0) failed = 1;
    process.stdout.write(`\nconsole: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
