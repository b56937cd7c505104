import type { SetupArguments } from './arguments.js';
import type { DesiredEnvironment, Reviewer } from './state.js';

/*
 * The environments the workflows in .github/workflows/ name, for one `--environment`:
 * - `<env>`: the jobs without a gate (verify-v2, migrate-data, the parity check) take their AWS role from
 *   it. It is created when missing and its rules are not touched: a required reviewer there would hold
 *   every phase, and `dev` or `prod` may already serve the repository's other deployments, whose rules
 *   are theirs. (The pull request preview names no environment: it assumes a read-only role.)
 * - `<env>-cutover`: the cutover and the rollback; its reviewers stand in for the guide's stakeholder
 *   sign-off.
 * - `<env>-v1-cleanup`: the deletion of v1; its reviewers are the second key beside the typed `DELETE-V1`.
 * The gated ones get the reviewers, prevent-self-review (whoever dispatched the run cannot approve it
 * alone) and deployment from protected branches only, or from the branches matching `--branch-pattern`.
 */
export function desiredEnvironments(args: SetupArguments, reviewers: Reviewer[]): DesiredEnvironment[] {
  const gate = {
    reviewers,
    preventSelfReview: true,
    ...(args.branchPatterns
      ? {
          branchPolicy: 'custom-branch-policies' as const,
          branchPatterns: args.branchPatterns.map((name) => ({ name })),
        }
      : { branchPolicy: 'protected-branches' as const }),
    ...(args.waitTimer !== undefined ? { waitTimer: args.waitTimer } : {}),
  };
  return [
    ...(args.plainEnvironment
      ? [{ name: args.environment, purpose: 'verify-v2, migrate-data and the parity check', rules: {} }]
      : []),
    { name: `${args.environment}-cutover`, purpose: 'the cutover and the rollback', rules: gate },
    { name: `${args.environment}-v1-cleanup`, purpose: 'the cleanup of v1', rules: gate },
  ];
}
