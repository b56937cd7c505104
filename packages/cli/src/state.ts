/*
 * An environment's protection rules as setup-environments compares them: the ones it reads from GitHub
 * and the ones the command line asks for are both this shape, so the diff is a comparison of two values.
 */

/** A required reviewer with the id GitHub knows it by, and the name the command prints. */
export interface Reviewer {
  type: 'User' | 'Team';
  id: number;
  /** `alice`, or `team:dba`. */
  label: string;
}

/** A custom deployment branch pattern (`main`, `release/*`); the id is GitHub's, for one that exists. */
export interface BranchPattern {
  name: string;
  id?: number;
}

/** Which branches may deploy to the environment (GitHub's `deployment_branch_policy`). */
export type BranchPolicy = 'any' | 'protected-branches' | 'custom-branch-policies';

export interface EnvironmentRules {
  /** Empty: no required reviewers rule. */
  reviewers: Reviewer[];
  preventSelfReview: boolean;
  /** Minutes; 0: no wait timer. */
  waitTimer: number;
  branchPolicy: BranchPolicy;
  /** The branches that may deploy while the policy is `custom-branch-policies`; otherwise empty. */
  branchPatterns: BranchPattern[];
}

/** An environment the workflows run in, and the rules the command sets on it. */
export interface DesiredEnvironment {
  name: string;
  /** Which jobs run in it, for the printout. */
  purpose: string;
  /** The rules the command sets; a rule left out is left as the environment has it. */
  rules: Partial<EnvironmentRules>;
}
