/*
 * One authenticated call of GitHub's REST API (github.md §4, §6): the readers of approvals and of an
 * environment GET, the sticky comment and the environment setup also POST, PATCH and PUT. It never throws:
 * each caller turns a refusal or an outage into its own reason, naming what it was reading or changing and
 * what to do. The token goes into the header only; nothing this returns carries it.
 */

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GitHubGet {
  /** GITHUB_API_URL; https://api.github.com when unset. */
  apiUrl?: string;
  token: string;
  /** The path below the API base, already URL-encoded: `/repos/acme/payments/environments/prod%2Fdb`. */
  path: string;
  /** How long to wait for GitHub before giving up. */
  timeoutMs?: number;
}

/** A call that changes something: its method and JSON body. */
export interface GitHubRequest extends GitHubGet {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Sent as JSON; left out for a call without a body. */
  body?: unknown;
}

export type GitHubAnswer =
  /** A 2xx with a JSON body; `next` is the `Link: rel="next"` URL of a paginated list, when there is one. */
  | { outcome: 'ok'; status: number; body: unknown; next?: string }
  /** A 2xx whose body is not JSON. */
  | { outcome: 'not-json'; status: number }
  /** Any other status, with GitHub's `message` (at most 200 characters) when it gave one. */
  | { outcome: 'refused'; status: number; message?: string }
  /** No answer: `cause` is the network error's code (ECONNREFUSED, …) or 'no answer in time'. */
  | { outcome: 'unreachable'; base: string; cause: string };

/** The API base without trailing slashes. */
export function githubApiBase(apiUrl?: string): string {
  return (apiUrl || DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
}

export function getFromGitHub(request: GitHubGet): Promise<GitHubAnswer> {
  return requestGitHub({ ...request, method: 'GET' });
}

/**
 * `path` may also be a whole URL on the API's host, as a `Link: rel="next"` gives it; the token is only
 * ever sent to the API base.
 */
export async function requestGitHub(request: GitHubRequest): Promise<GitHubAnswer> {
  const base = githubApiBase(request.apiUrl);
  const url = request.path.startsWith(`${base}/`) ? request.path : `${base}${request.path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        authorization: `Bearer ${request.token}`,
        'user-agent': 'db-migration-toolkit',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
  } catch (error) {
    return { outcome: 'unreachable', base, cause: networkCause(error) };
  }
  if (!response.ok) {
    const message = await githubMessage(response);
    return { outcome: 'refused', status: response.status, ...(message ? { message } : {}) };
  }
  const next = nextPage(response.headers.get('link'));
  // 204 No Content (a DELETE, some PUTs) has no body to parse.
  if (response.status === 204) return { outcome: 'ok', status: 204, body: null };
  try {
    return { outcome: 'ok', status: response.status, body: await response.json(), ...(next ? { next } : {}) };
  } catch {
    return { outcome: 'not-json', status: response.status };
  }
}

/** The `rel="next"` URL of a `Link` header (`<https://…?page=2>; rel="next", <…>; rel="last"`). */
function nextPage(link: string | null): string | undefined {
  for (const part of link?.split(',') ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

/** GitHub's own words for a refusal (`{"message": …}`), if the body has them. */
async function githubMessage(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { message?: unknown } | null;
    return typeof body?.message === 'string' && body.message !== '' ? body.message.slice(0, 200) : undefined;
  } catch {
    // No JSON body: the status alone says enough.
    return undefined;
  }
}

function networkCause(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'no answer in time';
  }
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string'
    ? cause.code
    : error instanceof Error
      ? error.message
      : String(error);
}
