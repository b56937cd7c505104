import type { SetupArguments } from './arguments.js';
import { applyPlans } from './apply.js';
import { readEnvironment } from './current.js';
import { desiredEnvironments } from './desired.js';
import { planEnvironment, type EnvironmentPlan } from './diff.js';
import { UsageError } from './errors.js';
import type { GitHubContext } from './github.js';
import { formatPlans } from './report.js';
import { checkRepository } from './repository.js';
import { resolveReviewers } from './reviewers.js';

/*
 * setup-environments: every read first (the repository, the reviewers' ids, each environment as it is),
 * then the diff, then one PUT per environment that differs. A dry run stops after the diff.
 */

/** GITHUB_TOKEN, else GH_TOKEN (what the gh CLI reads), and GITHUB_API_URL. */
export function githubContext(env: NodeJS.ProcessEnv): GitHubContext {
  const token = env['GITHUB_TOKEN'] || env['GH_TOKEN'];
  if (!token) {
    throw new UsageError(
      'GITHUB_TOKEN',
      'not set; set GITHUB_TOKEN (or GH_TOKEN) to the token of an admin of the repository, e.g. GH_TOKEN=$(gh auth token).',
    );
  }
  return { token, ...(env['GITHUB_API_URL'] ? { apiUrl: env['GITHUB_API_URL'] } : {}) };
}

export async function setupEnvironments(
  args: SetupArguments,
  context: GitHubContext,
  print: (text: string) => void,
): Promise<EnvironmentPlan[]> {
  await checkRepository(context, args.repository);
  const reviewers = await resolveReviewers(context, args.owner, args.reviewers);
  const plans: EnvironmentPlan[] = [];
  for (const desired of desiredEnvironments(args, reviewers)) {
    plans.push(planEnvironment(desired, await readEnvironment(context, args.repository, desired.name)));
  }
  if (!args.dryRun) {
    const applied: EnvironmentPlan[] = [];
    try {
      await applyPlans(context, args.repository, plans, applied);
    } catch (error) {
      if (applied.length > 0) print(formatPlans(args.repository, applied, false));
      throw error;
    }
  }
  print(formatPlans(args.repository, plans, args.dryRun));
  return plans;
}
