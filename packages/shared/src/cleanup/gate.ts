import { readEnvironmentProtection } from '../github/environment.js';
import type { RunContext } from '../github/run-context.js';
import { approvalsSourceFromEnv, readApprovals } from '../ledger/approvals.js';
import type { GateReading } from './guards.js';

/**
 * What guard 6 needs from GitHub: whether this job runs in Actions at all, and if so whether
 * `environment` requires reviewers and who approved it for this run. Read from the variables the
 * runner sets (GITHUB_ACTIONS, GITHUB_REPOSITORY, GITHUB_API_URL) and the token the step passes.
 */
export async function jobGate(
  environment: string,
  run: RunContext,
  env: Record<string, string | undefined> = process.env,
): Promise<GateReading> {
  if (env['GITHUB_ACTIONS'] !== 'true') return { inActions: false };
  const source = approvalsSourceFromEnv(run, env);
  const [protection, approvers] = await Promise.all([
    run.repository === undefined
      ? Promise.resolve({
          state: 'unreadable' as const,
          reason: 'GITHUB_REPOSITORY is not set, so the environment cannot be looked up.',
        })
      : readEnvironmentProtection({
          repository: run.repository,
          environment,
          ...(source.apiUrl !== undefined ? { apiUrl: source.apiUrl } : {}),
          ...(source.token !== undefined ? { token: source.token } : {}),
        }),
    readApprovals(source),
  ]);
  return { inActions: true, environment, protection, approvers };
}
