import { runAction, type ActionRun, type Lab } from '@dbmig/sandbox';

export { errorsOf, everythingPrinted } from '@dbmig/sandbox';

/**
 * Inputs every run gets unless a test says otherwise. No `ssl-mode`: the action's default (`require`)
 * applies, as in a workflow, and the sandbox's databases speak TLS.
 */
export const BASE_INPUTS: Record<string, string> = { environment: 'dev' };

/** Runs verify-v2's bundled dist/ as the runner does, against the lab's sandbox. */
export function runVerify(lab: Lab, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runAction({
    actionDir: 'actions/verify-v2',
    inputs: { ...BASE_INPUTS, ...inputs },
    env: { ...lab.env(), ...env },
    timeoutMs: 120_000,
  });
}

export interface ReportCheck {
  id: string;
  title: string;
  region?: string;
  resource?: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
}

export function reportOf(run: ActionRun): { healthy: boolean; checks: ReportCheck[] } {
  if (!run.outputs['report']) {
    throw new Error(`no report output; exit ${run.exitCode}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
  return JSON.parse(run.outputs['report']) as { healthy: boolean; checks: ReportCheck[] };
}

export function statusOf(run: ActionRun, id: string): string | undefined {
  return reportOf(run).checks.find((c) => c.id === id)?.status;
}
