import * as z from 'zod/mini';
import { getFromGitHub } from '../github/rest.js';
import type { RunContext } from '../github/run-context.js';
import type { Approvers, Review } from './event.js';

/*
 * Who approved the run's environment gate, from GitHub's "get the review history for a workflow run"
 * (GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals, github.md §4). Never fails the step:
 * a missing token, a refusal or an outage is recorded as unknown, with the reason and what to do.
 */

export interface ApprovalsSource {
  run: RunContext;
  /** GITHUB_API_URL; https://api.github.com when unset. */
  apiUrl?: string;
  /** A token that may read the run (GITHUB_TOKEN with `permissions: actions: read`). */
  token?: string;
  /** How long to wait for GitHub before recording the approvers as unknown. */
  timeoutMs?: number;
}

const TOKEN_HINT =
  'give the step `env: GITHUB_TOKEN: ${{ github.token }}` and the job `permissions: actions: read`';

const reviews = z.array(
  z.object({
    state: z.enum(['approved', 'rejected', 'pending']),
    comment: z.optional(z.nullable(z.string())),
    environments: z.array(z.object({ name: z.string() })),
    user: z.object({ login: z.string().check(z.minLength(1)) }),
  }),
);

/** The approvers from the variables the runner sets (GITHUB_API_URL; GITHUB_TOKEN when the step passes it). */
export function approvalsSourceFromEnv(
  run: RunContext,
  env: Record<string, string | undefined> = process.env,
): ApprovalsSource {
  const apiUrl = env['GITHUB_API_URL']?.trim();
  const token = env['GITHUB_TOKEN']?.trim();
  return { run, ...(apiUrl ? { apiUrl } : {}), ...(token ? { token } : {}) };
}

export async function readApprovals(source: ApprovalsSource): Promise<Approvers> {
  const { run, token } = source;
  if (run.runId === undefined || run.repository === undefined) {
    return unknown('not running in GitHub Actions (GITHUB_RUN_ID or GITHUB_REPOSITORY is not set)');
  }
  if (token === undefined || token === '') {
    return unknown(`no GitHub token was given to read the run's approvals: ${TOKEN_HINT}`);
  }
  const answer = await getFromGitHub({
    ...(source.apiUrl !== undefined ? { apiUrl: source.apiUrl } : {}),
    token,
    path: `/repos/${run.repository}/actions/runs/${run.runId}/approvals`,
    ...(source.timeoutMs !== undefined ? { timeoutMs: source.timeoutMs } : {}),
  });
  if (answer.outcome === 'unreachable') {
    return unknown(`GitHub could not be reached at ${answer.base} (${answer.cause})`);
  }
  if (answer.outcome === 'refused') return unknown(refusalReason(answer.status, answer.message, run));
  if (answer.outcome === 'not-json') {
    return unknown(`GitHub answered the review history of run ${run.runId} with a body that is not JSON`);
  }
  const parsed = reviews.safeParse(answer.body);
  if (!parsed.success) {
    return unknown(`GitHub answered the review history of run ${run.runId} in an unexpected form`);
  }
  return {
    known: true,
    reviews: parsed.data.map((entry): Review => ({
      login: entry.user.login,
      state: entry.state,
      environments: entry.environments.map((environment) => environment.name),
      ...(entry.comment ? { comment: entry.comment } : {}),
    })),
  };
}

function unknown(reason: string): Approvers {
  return { known: false, reason };
}

/** Why GitHub refused, in its own words (its `message`) and with what to change. */
function refusalReason(status: number, githubMessage: string | undefined, run: RunContext): string {
  const message = githubMessage ? `: ${githubMessage}` : '';
  const what = `GitHub answered ${status}${message} for the review history of run ${run.runId} of ${run.repository}`;
  switch (status) {
    case 401:
      return `${what}; the token was refused: ${TOKEN_HINT}`;
    case 403:
      return `${what}; the token may not read the run: give the job \`permissions: actions: read\``;
    case 404:
      return `${what}; the run is not visible to the token (a private repository needs \`actions: read\`)`;
    default:
      return what;
  }
}
