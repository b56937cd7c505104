import { requestGitHub, type GitHubRequest } from '@dbmig/shared';
import { GitHubError } from './errors.js';

/*
 * One call of GitHub's REST API for setup-environments, through the shared client: an answer other than
 * a 2xx becomes a GitHubError that says what was being read or changed, GitHub's own words, and what to
 * do about it. The token stays in the client's header; no message here can carry it.
 */

export interface GitHubContext {
  /** GITHUB_API_URL; https://api.github.com when unset. */
  apiUrl?: string;
  token: string;
}

export interface Call {
  method: GitHubRequest['method'];
  /** Below the API base, URL-encoded. */
  path: string;
  body?: unknown;
  /** What the call does, for the message: "reading environment dev-cutover of acme/payments". */
  what: string;
  /** What a 404 means for this call, and what to do. */
  notFound: string;
  /** What a 403 means for this call, and what to do. */
  forbidden: string;
}

/** A workflow's GITHUB_TOKEN has no `administration` permission, so it can never do this (github.md §4). */
export const ADMIN_TOKEN_HINT =
  "A workflow's own GITHUB_TOKEN cannot administer environments (it has no administration permission). " +
  'Use the token of a repository admin: a classic personal access token with the repo scope, a ' +
  'fine-grained token with "Administration: Read and write" on the repository, or a GitHub App ' +
  'installation token with administration: write.';

/** The 2xx answer's body, or undefined for a 404 when `allowMissing`. */
export async function callGitHub(context: GitHubContext, call: Call, allowMissing = false): Promise<unknown> {
  return (await answerOf(context, call, allowMissing))?.body;
}

/** One page of a list: its body, and the next page's URL from the `Link` header when there is one. */
export async function callGitHubPage(
  context: GitHubContext,
  call: Call,
): Promise<{ body: unknown; next?: string }> {
  return (await answerOf(context, call, false)) ?? { body: undefined };
}

async function answerOf(
  context: GitHubContext,
  call: Call,
  allowMissing: boolean,
): Promise<{ body: unknown; next?: string } | undefined> {
  const answer = await requestGitHub({
    ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}),
    token: context.token,
    method: call.method,
    path: call.path,
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  switch (answer.outcome) {
    case 'ok':
      return { body: answer.body, ...(answer.next !== undefined ? { next: answer.next } : {}) };
    case 'not-json':
      throw new GitHubError(
        `GitHub answered ${call.what} with a body that is not JSON (HTTP ${answer.status}).`,
      );
    case 'unreachable':
      throw new GitHubError(
        `GitHub could not be reached at ${answer.base} (${answer.cause}) while ${call.what}: check GITHUB_API_URL and the network.`,
      );
    case 'refused':
      break;
  }
  const { status } = answer;
  if (status === 404 && allowMissing) return undefined;
  const said = `GitHub answered ${status}${answer.message ? ` (${answer.message})` : ''} while ${call.what}`;
  switch (status) {
    case 401:
      throw new GitHubError(
        `${said}: the token was not accepted. Set GITHUB_TOKEN (or GH_TOKEN) to a valid, unexpired token.`,
        status,
      );
    case 403:
      throw new GitHubError(`${said}: ${call.forbidden}`, status);
    case 404:
      throw new GitHubError(`${said}: ${call.notFound}`, status);
    case 422:
      throw new GitHubError(
        `${said}: GitHub refused the rules. A reviewer must have at least read access to the repository; ` +
          'on GitHub Free, Pro and Team plans, required reviewers and wait timers exist only for public repositories.',
        status,
      );
    default:
      throw new GitHubError(`${said}.`, status);
  }
}
