import { ADMIN_TOKEN_HINT, callGitHub, type GitHubContext } from './github.js';
import type { EnvironmentPlan } from './diff.js';

/*
 * Sends the PUT of each environment that changes (then its branch patterns), in order, and stops at the
 * first refusal: a token that may not administer the repository is refused on the first one, so nothing
 * changes.
 */
export async function applyPlans(
  context: GitHubContext,
  repository: string,
  plans: EnvironmentPlan[],
  /** Receives each plan once GitHub has applied it, so that a later refusal can say what did change. */
  applied: EnvironmentPlan[] = [],
): Promise<EnvironmentPlan[]> {
  for (const plan of plans) {
    if (plan.body === undefined) continue;
    await callGitHub(context, {
      method: 'PUT',
      path: `/repos/${repository}/environments/${encodeURIComponent(plan.name)}`,
      body: plan.body,
      what: `${plan.action === 'create' ? 'creating' : 'updating'} environment ${plan.name} of ${repository}`,
      notFound:
        `no repository ${repository} exists that the token can see; check --repo, and that a fine-grained ` +
        'token was given access to that repository.',
      forbidden: `the token may not change the environments of ${repository}. ${ADMIN_TOKEN_HINT}`,
    });
    // Patterns are the environment's own objects, added once the PUT has limited it to custom patterns.
    for (const name of plan.patterns?.add ?? []) {
      await callGitHub(context, {
        method: 'POST',
        path: `/repos/${repository}/environments/${encodeURIComponent(plan.name)}/deployment-branch-policies`,
        body: { name, type: 'branch' },
        what: `adding the branch pattern ${name} to environment ${plan.name} of ${repository}`,
        notFound: `environment ${plan.name} is not limited to custom branch patterns; run the command again.`,
        forbidden: `the token may not change the environments of ${repository}. ${ADMIN_TOKEN_HINT}`,
      });
    }
    for (const { name, id } of plan.patterns?.remove ?? []) {
      await callGitHub(context, {
        method: 'DELETE',
        path: `/repos/${repository}/environments/${encodeURIComponent(plan.name)}/deployment-branch-policies/${id}`,
        what: `removing the branch pattern ${name} from environment ${plan.name} of ${repository}`,
        notFound: `the pattern ${name} was removed meanwhile; run the command again.`,
        forbidden: `the token may not change the environments of ${repository}. ${ADMIN_TOKEN_HINT}`,
      });
    }
    applied.push(plan);
  }
  return applied;
}
