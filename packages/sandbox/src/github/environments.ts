import { renderTeam, renderUser, type Directory } from './directory.js';

/*
 * The deployment environments of the sandbox's GitHub (Settings → Environments), as tests set them, and
 * their rendering in the shape of `GET /repos/{owner}/{repo}/environments/{name}` (github.md §4). The
 * stored form keeps the ids and timestamps an environment is created with, so that an update (a later
 * `PUT` of the same path) can change its rules while it stays the same environment.
 */

/** A required reviewer: a user by login, or a team by slug. */
export interface EnvironmentReviewerInput {
  type: 'User' | 'Team';
  /** The user's login, or the team's slug. */
  login: string;
}

/** An environment's protection rules, as a test describes them. Everything left out is off. */
export interface EnvironmentInput {
  /**
   * Who may approve a job that targets the environment (GitHub allows up to 6, one approval suffices).
   * Left out: no required reviewers rule. `[]`: the rule without reviewers, as GitHub can hold it.
   */
  reviewers?: EnvironmentReviewerInput[];
  /** The user who started the run may not approve it (part of the required reviewers rule). */
  preventSelfReview?: boolean;
  /** Minutes a job waits before it runs (0–43,200); 0 or left out: no wait timer rule. */
  waitTimer?: number;
  /** Which branches may deploy: only protected ones, or those matching custom policies; left out: any. */
  branchPolicy?: 'protected-branches' | 'custom-branch-policies';
}

export interface StoredEnvironment {
  id: number;
  /** The name as it was created: GitHub matches names case-insensitively but answers with this spelling. */
  name: string;
  createdAt: string;
  updatedAt: string;
  rules: EnvironmentInput;
}

export class Environments {
  private readonly byKey = new Map<string, StoredEnvironment>();
  private nextId = 161_088_068;

  /** Creates the environment `name` of `repository` (`owner/repo`), or replaces its rules. */
  set(repository: string, name: string, rules: EnvironmentInput): StoredEnvironment {
    if (rules.waitTimer !== undefined && !isWaitTimer(rules.waitTimer)) {
      throw new Error(`waitTimer must be a whole number of minutes from 0 to 43,200, not ${rules.waitTimer}`);
    }
    const key = environmentKey(repository, name);
    const existing = this.byKey.get(key);
    const at = new Date(Date.UTC(2026, 0, 1, 0, this.byKey.size)).toISOString();
    const stored: StoredEnvironment = {
      id: existing?.id ?? this.nextId++,
      name: existing?.name ?? name,
      createdAt: existing?.createdAt ?? at,
      updatedAt: existing ? new Date(Date.parse(existing.updatedAt) + 60_000).toISOString() : at,
      rules: { ...rules, ...(rules.reviewers ? { reviewers: rules.reviewers.map((r) => ({ ...r })) } : {}) },
    };
    this.byKey.set(key, stored);
    return stored;
  }

  get(repository: string, name: string): StoredEnvironment | undefined {
    return this.byKey.get(environmentKey(repository, name));
  }
}

/** GitHub's range for a wait timer: 0 to 43,200 minutes (30 days). */
export function isWaitTimer(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= 0 && minutes <= 43_200;
}

/**
 * The `environment` object GitHub answers: the protection rules appear only when set, in GitHub's order
 * (wait timer, required reviewers, branch policy), each with its own id. Reviewers are rendered from the
 * directory, which knows every one a stored environment names.
 */
export function renderEnvironment(
  baseUrl: string,
  repository: string,
  environment: StoredEnvironment,
  directory: Directory,
): unknown {
  const { id, name, rules } = environment;
  const [owner] = repository.split('/');
  const encoded = encodeURIComponent(name);
  const ruleId = (n: number): { id: number; node_id: string } => ({
    id: id * 10 + n,
    node_id: `GA_kwDO${id.toString(36)}${n}`,
  });
  const protectionRules: unknown[] = [];
  if (rules.waitTimer) {
    protectionRules.push({ ...ruleId(1), type: 'wait_timer', wait_timer: rules.waitTimer });
  }
  if (rules.reviewers !== undefined || rules.preventSelfReview !== undefined) {
    protectionRules.push({
      ...ruleId(2),
      type: 'required_reviewers',
      prevent_self_review: rules.preventSelfReview ?? false,
      reviewers: (rules.reviewers ?? []).map((reviewer) => ({
        type: reviewer.type,
        reviewer:
          reviewer.type === 'User'
            ? renderUser(baseUrl, directory.addUser(reviewer.login))
            : renderTeam(baseUrl, directory.addTeam(owner ?? '', reviewer.login)),
      })),
    });
  }
  if (rules.branchPolicy) protectionRules.push({ ...ruleId(3), type: 'branch_policy' });
  return {
    id,
    node_id: `EN_kwDO${id.toString(36)}`,
    name,
    url: `${baseUrl}/repos/${repository}/environments/${encoded}`,
    html_url: `https://github.com/${repository}/deployments/activity_log?environments_filter=${encoded}`,
    created_at: environment.createdAt,
    updated_at: environment.updatedAt,
    protection_rules: protectionRules,
    deployment_branch_policy: rules.branchPolicy
      ? {
          protected_branches: rules.branchPolicy === 'protected-branches',
          custom_branch_policies: rules.branchPolicy === 'custom-branch-policies',
        }
      : null,
  };
}

/** Environment names are not case-sensitive on GitHub, nor are repository names. */
function environmentKey(repository: string, name: string): string {
  return `${repository.toLowerCase()}#${name.toLowerCase()}`;
}
