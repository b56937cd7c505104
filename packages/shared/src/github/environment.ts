import * as z from 'zod/mini';
import { getFromGitHub } from './rest.js';

/*
 * Whether a deployment environment holds its jobs for review, from GitHub's "get an environment"
 * (GET /repos/{owner}/{repo}/environments/{name}, github.md §4). The required reviewers are what
 * stands in for the guide's stakeholder sign-off; an environment without them lets any job through
 * unreviewed, and an environment a job names but nobody created is made on the fly, unprotected.
 */

export interface EnvironmentSource {
  /** `owner/repo` (GITHUB_REPOSITORY). */
  repository: string;
  /** The environment's name as the job declares it. */
  environment: string;
  apiUrl?: string;
  /** A token that may read the repository's environments (GITHUB_TOKEN with `permissions: actions: read`). */
  token?: string;
  timeoutMs?: number;
}

export type EnvironmentProtection =
  /** The environment requires one of these reviewers (logins, or team slugs as `team:<slug>`). */
  | { state: 'protected'; reviewers: string[] }
  /** It exists without a required reviewers rule, or with one that names nobody. */
  | { state: 'unprotected'; reason: string }
  /** GitHub knows no environment by that name in the repository. */
  | { state: 'missing'; reason: string }
  /** The protection could not be read: no token, a refusal, an outage, an answer of another shape. */
  | { state: 'unreadable'; reason: string };

const TOKEN_HINT =
  'give the step `env: GITHUB_TOKEN: ${{ github.token }}` and the job `permissions: actions: read`';

const environmentBody = z.object({
  name: z.string(),
  protection_rules: z.optional(
    z.array(
      z.object({
        type: z.string(),
        reviewers: z.optional(
          z.array(
            z.object({
              type: z.string(),
              reviewer: z.nullable(z.object({ login: z.optional(z.string()), slug: z.optional(z.string()) })),
            }),
          ),
        ),
      }),
    ),
  ),
});

export async function readEnvironmentProtection(source: EnvironmentSource): Promise<EnvironmentProtection> {
  const { repository, environment, token } = source;
  if (token === undefined || token === '') {
    return {
      state: 'unreadable',
      reason: `No GitHub token was given to read the protection of environment ${environment}: ${TOKEN_HINT}.`,
    };
  }
  const answer = await getFromGitHub({
    ...(source.apiUrl !== undefined ? { apiUrl: source.apiUrl } : {}),
    token,
    path: `/repos/${repository}/environments/${encodeURIComponent(environment)}`,
    ...(source.timeoutMs !== undefined ? { timeoutMs: source.timeoutMs } : {}),
  });
  const what = `the protection of environment ${environment} of ${repository}`;
  switch (answer.outcome) {
    case 'unreachable':
      return {
        state: 'unreadable',
        reason: `GitHub could not be reached at ${answer.base} (${answer.cause}) to read ${what}.`,
      };
    case 'not-json':
      return { state: 'unreadable', reason: `GitHub answered ${what} with a body that is not JSON.` };
    case 'refused':
      return refusal(answer.status, answer.message, what, environment);
    case 'ok':
      break;
  }
  const parsed = environmentBody.safeParse(answer.body);
  if (!parsed.success) {
    return { state: 'unreadable', reason: `GitHub answered ${what} in an unexpected form.` };
  }
  const rule = parsed.data.protection_rules?.find((r) => r.type === 'required_reviewers');
  const reviewers = (rule?.reviewers ?? []).flatMap(({ type, reviewer }) => {
    if (type === 'Team' && reviewer?.slug) return [`team:${reviewer.slug}`];
    return reviewer?.login ? [reviewer.login] : [];
  });
  if (reviewers.length === 0) {
    return {
      state: 'unprotected',
      reason: rule
        ? `Environment ${environment} has a required reviewers rule that names nobody.`
        : `Environment ${environment} has no required reviewers: any job that names it runs unreviewed.`,
    };
  }
  return { state: 'protected', reviewers };
}

function refusal(
  status: number,
  githubMessage: string | undefined,
  what: string,
  environment: string,
): EnvironmentProtection {
  const said = `GitHub answered ${status}${githubMessage ? `: ${githubMessage}` : ''} for ${what}`;
  switch (status) {
    case 404:
      // GitHub answers 404 for an environment that does not exist; a token that may not see a private
      // repository gets 404 too, which the reason says.
      return {
        state: 'missing',
        reason:
          `${said}: no environment ${environment} exists (or the token may not see the repository). ` +
          `A job that names a missing environment gets a new one without reviewers.`,
      };
    case 401:
      return { state: 'unreadable', reason: `${said}; the token was refused: ${TOKEN_HINT}.` };
    case 403:
      return {
        state: 'unreadable',
        reason:
          `${said}; the token may not read environments: give the job \`permissions: actions: read\` ` +
          `(a fine-grained token needs "Actions" or "Environments" read access).`,
      };
    default:
      return { state: 'unreadable', reason: `${said}.` };
  }
}
