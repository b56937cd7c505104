import * as z from 'zod/mini';
import { GitHubError } from './errors.js';
import { ADMIN_TOKEN_HINT, callGitHub, callGitHubPage, type GitHubContext } from './github.js';
import type { BranchPattern, BranchPolicy, EnvironmentRules, Reviewer } from './state.js';

/*
 * What an environment holds now, from `GET /repos/{owner}/{repo}/environments/{name}` (github.md §4):
 * its protection rules read into the shape the diff compares. A 404 is an environment nobody created yet.
 * An environment limited to custom branch patterns has them listed too
 * (`GET .../deployment-branch-policies`).
 */

const environmentBody = z.object({
  protection_rules: z.optional(
    z.array(
      z.object({
        type: z.string(),
        wait_timer: z.optional(z.number()),
        prevent_self_review: z.optional(z.boolean()),
        reviewers: z.optional(
          z.array(
            z.object({
              type: z.string(),
              reviewer: z.nullable(
                z.object({ id: z.number(), login: z.optional(z.string()), slug: z.optional(z.string()) }),
              ),
            }),
          ),
        ),
      }),
    ),
  ),
  deployment_branch_policy: z.optional(
    z.nullable(z.object({ protected_branches: z.boolean(), custom_branch_policies: z.boolean() })),
  ),
});

/** The environment's rules, or undefined when it does not exist. */
export async function readEnvironment(
  context: GitHubContext,
  repository: string,
  name: string,
): Promise<EnvironmentRules | undefined> {
  const body = await callGitHub(
    context,
    {
      method: 'GET',
      path: `/repos/${repository}/environments/${encodeURIComponent(name)}`,
      what: `reading environment ${name} of ${repository}`,
      notFound: '',
      forbidden: `the token may not read the environments of ${repository}. ${ADMIN_TOKEN_HINT}`,
    },
    true,
  );
  if (body === undefined) return undefined;
  const parsed = environmentBody.safeParse(body);
  if (!parsed.success) {
    throw new GitHubError(`GitHub answered environment ${name} of ${repository} in an unexpected form.`);
  }
  const rules = rulesOf(parsed.data);
  if (rules.branchPolicy === 'custom-branch-policies') {
    rules.branchPatterns = await readBranchPatterns(context, repository, name);
  }
  return rules;
}

const branchPoliciesBody = z.object({
  branch_policies: z.array(z.object({ id: z.number(), name: z.string(), type: z.optional(z.string()) })),
});

/** The environment's branch patterns (tag patterns are not the command's, and are left alone). */
async function readBranchPatterns(
  context: GitHubContext,
  repository: string,
  name: string,
): Promise<BranchPattern[]> {
  const patterns: BranchPattern[] = [];
  let path: string | undefined =
    `/repos/${repository}/environments/${encodeURIComponent(name)}/deployment-branch-policies?per_page=100`;
  while (path !== undefined) {
    const page = await callGitHubPage(context, {
      method: 'GET',
      path,
      what: `reading the branch patterns of environment ${name} of ${repository}`,
      notFound: `environment ${name} was deleted while it was read; run the command again.`,
      forbidden: `the token may not read the environments of ${repository}. ${ADMIN_TOKEN_HINT}`,
    });
    const parsed = branchPoliciesBody.safeParse(page.body);
    if (!parsed.success) {
      throw new GitHubError(
        `GitHub answered the branch patterns of environment ${name} in an unexpected form.`,
      );
    }
    for (const policy of parsed.data.branch_policies) {
      if ((policy.type ?? 'branch') === 'branch') patterns.push({ name: policy.name, id: policy.id });
    }
    path = page.next;
  }
  return patterns;
}

export function rulesOf(body: z.infer<typeof environmentBody>): EnvironmentRules {
  const rules = body.protection_rules ?? [];
  const required = rules.find((rule) => rule.type === 'required_reviewers');
  const reviewers = (required?.reviewers ?? []).flatMap(({ type, reviewer }): Reviewer[] => {
    if (reviewer === null || (type !== 'User' && type !== 'Team')) return [];
    const label =
      type === 'Team' ? `team:${reviewer.slug ?? reviewer.id}` : (reviewer.login ?? String(reviewer.id));
    return [{ type, id: reviewer.id, label }];
  });
  const policy = body.deployment_branch_policy;
  const branchPolicy: BranchPolicy = !policy
    ? 'any'
    : policy.protected_branches
      ? 'protected-branches'
      : 'custom-branch-policies';
  return {
    reviewers,
    preventSelfReview: required?.prevent_self_review ?? false,
    waitTimer: rules.find((rule) => rule.type === 'wait_timer')?.wait_timer ?? 0,
    branchPolicy,
    branchPatterns: [],
  };
}
