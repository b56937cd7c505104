import type { BranchPattern, BranchPolicy, DesiredEnvironment, EnvironmentRules, Reviewer } from './state.js';

/*
 * What would change, per environment and per rule (before → after), and the one PUT that makes it so.
 * An environment already as asked gets no PUT: that is what makes a second run change nothing. Reviewers
 * are compared as a set of ids, so their order, or a login's spelling, is no change.
 */

export type RuleName =
  'required reviewers' | 'prevent self-review' | 'wait timer' | 'deployment branches' | 'branch patterns';

export interface RuleChange {
  rule: RuleName;
  before: string;
  after: string;
}

/** The body of GitHub's "create or update an environment", `PUT /repos/{o}/{r}/environments/{name}`. */
export interface EnvironmentPutBody {
  wait_timer?: number;
  prevent_self_review?: boolean;
  reviewers?: Array<{ type: 'User' | 'Team'; id: number }>;
  deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

export interface EnvironmentPlan {
  name: string;
  purpose: string;
  action: 'create' | 'update' | 'unchanged';
  changes: RuleChange[];
  /** The PUT to send; absent when the environment is unchanged. */
  body?: EnvironmentPutBody;
  /** Branch patterns to add, and existing ones to remove, after the PUT. */
  patterns?: { add: string[]; remove: Array<{ name: string; id: number }> };
}

/** A new environment has no rules: what GitHub creates for a job that names a missing environment. */
const NO_RULES: EnvironmentRules = {
  reviewers: [],
  preventSelfReview: false,
  waitTimer: 0,
  branchPolicy: 'any',
  branchPatterns: [],
};

export function planEnvironment(
  desired: DesiredEnvironment,
  current: EnvironmentRules | undefined,
): EnvironmentPlan {
  const before = current ?? NO_RULES;
  const want = desired.rules;
  const changes: RuleChange[] = [];
  if (want.reviewers !== undefined && !sameReviewers(before.reviewers, want.reviewers)) {
    changes.push({
      rule: 'required reviewers',
      before: describeReviewers(before.reviewers),
      after: describeReviewers(want.reviewers),
    });
  }
  if (want.preventSelfReview !== undefined && want.preventSelfReview !== before.preventSelfReview) {
    changes.push({
      rule: 'prevent self-review',
      before: onOff(before.preventSelfReview),
      after: onOff(want.preventSelfReview),
    });
  }
  if (want.waitTimer !== undefined && want.waitTimer !== before.waitTimer) {
    changes.push({ rule: 'wait timer', before: minutes(before.waitTimer), after: minutes(want.waitTimer) });
  }
  if (want.branchPolicy !== undefined && want.branchPolicy !== before.branchPolicy) {
    changes.push({
      rule: 'deployment branches',
      before: describeBranches(before.branchPolicy),
      after: describeBranches(want.branchPolicy),
    });
  }
  const patterns =
    want.branchPatterns !== undefined ? patternChanges(before, want.branchPatterns) : undefined;
  if (patterns) {
    changes.push({
      rule: 'branch patterns',
      before: describePatterns(before.branchPatterns),
      after: describePatterns(want.branchPatterns ?? []),
    });
  }
  const base = { name: desired.name, purpose: desired.purpose, changes };
  if (current !== undefined && changes.length === 0) return { ...base, action: 'unchanged' };
  return {
    ...base,
    action: current === undefined ? 'create' : 'update',
    body: putBody(want, before),
    ...(patterns ? { patterns } : {}),
  };
}

/**
 * The rules the command sets, and the wait timer kept as it is when the command does not set it (sent
 * only when there is one: a field GitHub's plan does not offer is refused even at its default). Rules the
 * command does not manage are left out, and GitHub keeps them.
 */
function putBody(want: Partial<EnvironmentRules>, before: EnvironmentRules): EnvironmentPutBody {
  const waitTimer = want.waitTimer ?? before.waitTimer;
  return {
    ...(want.waitTimer !== undefined || waitTimer > 0 ? { wait_timer: waitTimer } : {}),
    ...(want.preventSelfReview !== undefined ? { prevent_self_review: want.preventSelfReview } : {}),
    ...(want.reviewers !== undefined
      ? { reviewers: want.reviewers.map(({ type, id }) => ({ type, id })) }
      : {}),
    ...(want.branchPolicy !== undefined
      ? { deployment_branch_policy: branchPolicyBody(want.branchPolicy) }
      : {}),
  };
}

function branchPolicyBody(policy: BranchPolicy): EnvironmentPutBody['deployment_branch_policy'] {
  if (policy === 'any') return null;
  return {
    protected_branches: policy === 'protected-branches',
    custom_branch_policies: policy === 'custom-branch-policies',
  };
}

/** The patterns to add and to remove, or undefined when the environment has exactly those asked for. */
function patternChanges(before: EnvironmentRules, wanted: BranchPattern[]): EnvironmentPlan['patterns'] {
  const names = new Set(wanted.map((p) => p.name));
  const existing = new Set(before.branchPatterns.map((p) => p.name));
  const add = wanted.filter((p) => !existing.has(p.name)).map((p) => p.name);
  const remove = before.branchPatterns.flatMap((p) =>
    !names.has(p.name) && p.id !== undefined ? [{ name: p.name, id: p.id }] : [],
  );
  return add.length === 0 && remove.length === 0 ? undefined : { add, remove };
}

function describePatterns(patterns: BranchPattern[]): string {
  return patterns.length === 0 ? 'none' : patterns.map((p) => p.name).join(', ');
}

function sameReviewers(a: Reviewer[], b: Reviewer[]): boolean {
  const key = (r: Reviewer): string => `${r.type}:${r.id}`;
  const left = new Set(a.map(key));
  const right = new Set(b.map(key));
  return left.size === right.size && [...left].every((k) => right.has(k));
}

function describeReviewers(reviewers: Reviewer[]): string {
  return reviewers.length === 0 ? 'none' : reviewers.map((r) => r.label).join(', ');
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}

function minutes(value: number): string {
  return value === 0 ? 'none' : `${value} minute${value === 1 ? '' : 's'}`;
}

function describeBranches(policy: BranchPolicy): string {
  switch (policy) {
    case 'any':
      return 'any branch';
    case 'protected-branches':
      return 'protected branches only';
    case 'custom-branch-policies':
      return 'branches matching custom patterns';
  }
}
