import type { ActionRun } from './run-action.js';

/** The messages of the `::error::` annotations a run printed: what a user reads in the failed step. */
export function errorsOf(run: ActionRun): string[] {
  return run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
}

/**
 * Every place a value could leak to (log, outputs, summary, the job environment), except the
 * `::add-mask::` lines that register it: a test asserts a secret is absent from this.
 */
export function everythingPrinted(run: ActionRun): string {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  return [stdout, run.stderr, JSON.stringify(run.outputs), run.summary, JSON.stringify(run.env)].join('\n');
}
