import type { Directory } from './directory.js';
import { isWaitTimer, type EnvironmentInput, type EnvironmentReviewerInput } from './environments.js';

/*
 * The body of `PUT /repos/{owner}/{repo}/environments/{name}` ("create or update an environment"),
 * checked as GitHub checks it: `{wait_timer, prevent_self_review, reviewers: [{type, id}],
 * deployment_branch_policy}`, every field optional. A field left out keeps the environment's current
 * value; `reviewers: null` or `[]` and `deployment_branch_policy: null` clear theirs. What GitHub refuses
 * (a reviewer id nobody has, more than six reviewers, a wait timer out of range, a branch policy that is
 * both or neither) is a 422 that names the field, and the environment is left as it was.
 */

export type EnvironmentUpdate =
  { ok: true; rules: EnvironmentInput } | { ok: false; status: 400 | 422; message: string };

const MAX_REVIEWERS = 6;
const RULE_FAILED = 'Failed to create or update the environment protection rule.';

export function parseEnvironmentUpdate(
  text: string,
  current: EnvironmentInput | undefined,
  owner: string,
  directory: Directory,
): EnvironmentUpdate {
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, status: 400, message: 'Problems parsing JSON' };
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalid('the body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const rules: EnvironmentInput = { ...current };

  const waitTimer = fields['wait_timer'];
  if (waitTimer !== undefined && waitTimer !== null) {
    if (typeof waitTimer !== 'number' || !isWaitTimer(waitTimer)) {
      return invalid(
        `wait_timer must be a whole number of minutes from 0 to 43200, not ${JSON.stringify(waitTimer)}`,
      );
    }
    rules.waitTimer = waitTimer;
  }

  const preventSelfReview = fields['prevent_self_review'];
  if (preventSelfReview !== undefined && typeof preventSelfReview !== 'boolean') {
    return invalid('prevent_self_review must be a boolean');
  }

  const reviewers = fields['reviewers'];
  if (reviewers !== undefined) {
    const parsed = parseReviewers(reviewers, owner, directory);
    if (typeof parsed === 'string') return { ok: false, status: 422, message: parsed };
    if (parsed.length > 0) rules.reviewers = parsed;
    else delete rules.reviewers;
  }
  if (preventSelfReview !== undefined) rules.preventSelfReview = preventSelfReview;
  if (!rules.reviewers?.length) {
    if (rules.preventSelfReview === true) {
      return {
        ok: false,
        status: 422,
        message: `${RULE_FAILED} Required reviewers must have at least one reviewer to set prevent_self_review.`,
      };
    }
    // Without reviewers there is no required reviewers rule for prevent_self_review to belong to.
    delete rules.reviewers;
    delete rules.preventSelfReview;
  }

  const policy = fields['deployment_branch_policy'];
  if (policy === null) {
    delete rules.branchPolicy;
  } else if (policy !== undefined) {
    const { protected_branches: protectedBranches, custom_branch_policies: custom } = (policy ??
      {}) as Record<string, unknown>;
    if (
      typeof protectedBranches !== 'boolean' ||
      typeof custom !== 'boolean' ||
      protectedBranches === custom
    ) {
      return invalid(
        'deployment_branch_policy must be null or have exactly one of protected_branches and custom_branch_policies true',
      );
    }
    rules.branchPolicy = protectedBranches ? 'protected-branches' : 'custom-branch-policies';
  }
  return { ok: true, rules };
}

/** The reviewers as logins and slugs, or GitHub's refusal. */
function parseReviewers(
  value: unknown,
  owner: string,
  directory: Directory,
): EnvironmentReviewerInput[] | string {
  if (value === null) return [];
  if (!Array.isArray(value)) return 'Invalid request.\n\nreviewers must be an array or null.';
  if (value.length > MAX_REVIEWERS) {
    return `${RULE_FAILED} Required reviewers cannot have more than ${MAX_REVIEWERS} reviewers (${value.length} given).`;
  }
  const reviewers: EnvironmentReviewerInput[] = [];
  for (const entry of value as unknown[]) {
    const { type, id } = (entry ?? {}) as Record<string, unknown>;
    if ((type !== 'User' && type !== 'Team') || typeof id !== 'number' || !Number.isInteger(id)) {
      return 'Invalid request.\n\nEach reviewer must be {"type": "User" | "Team", "id": <integer>}.';
    }
    const login = type === 'User' ? directory.userById(id)?.login : directory.teamById(owner, id)?.slug;
    if (login === undefined) {
      return `${RULE_FAILED} ${type} with id ${id} is not a known ${type === 'User' ? 'user' : `team of ${owner}`}.`;
    }
    reviewers.push({ type, login });
  }
  return reviewers;
}

function invalid(reason: string): EnvironmentUpdate {
  return { ok: false, status: 422, message: `Invalid request.\n\n${reason}.` };
}
