/*
 * One authenticated GET of GitHub's REST API (github.md §4), as the readers of approvals and of an
 * environment make it. It never throws: each caller turns a refusal or an outage into its own reason,
 * naming what it was reading and what to change. The token goes into the header only; nothing this
 * returns carries it.
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

export type GitHubAnswer =
  /** A 2xx with a JSON body. */
  | { outcome: 'ok'; status: number; body: unknown }
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

export async function getFromGitHub(request: GitHubGet): Promise<GitHubAnswer> {
  const base = githubApiBase(request.apiUrl);
  let response: Response;
  try {
    response = await fetch(`${base}${request.path}`, {
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        authorization: `Bearer ${request.token}`,
        'user-agent': 'db-migration-toolkit',
      },
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
  } catch (error) {
    return { outcome: 'unreachable', base, cause: networkCause(error) };
  }
  if (!response.ok) {
    const message = await githubMessage(response);
    return { outcome: 'refused', status: response.status, ...(message ? { message } : {}) };
  }
  try {
    return { outcome: 'ok', status: response.status, body: await response.json() };
  } catch {
    return { outcome: 'not-json', status: response.status };
  }
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
