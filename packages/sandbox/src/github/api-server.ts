import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A minimal GitHub REST API on 127.0.0.1 for tests: the endpoints the toolkit calls through
 * GITHUB_API_URL, answered from state a test sets. Only what the ledger needs today:
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals` (github.md §4), behind a bearer token.
 */

/** One review of a run's environment gate, as a test describes it. */
export interface ApprovalInput {
  state: 'approved' | 'rejected' | 'pending';
  login: string;
  /** The environments the review covered, e.g. `dev-cutover`. */
  environments: string[];
  comment?: string;
}

/** A call the server answered: tests prove with it which calls were made and how they were answered. */
export interface GitHubRequestRecord {
  method: string;
  path: string;
  status: number;
  /** Whether the request carried the server's token (the token itself is never kept). */
  authenticated: boolean;
}

export interface GitHubApiOptions {
  /** The token requests must carry; a random one by default. */
  token?: string;
}

const DOCS = 'https://docs.github.com/rest/actions/workflow-runs#get-the-review-history-for-a-workflow-run';
const APPROVALS = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/approvals$/;

export class GitHubApi {
  readonly token: string;
  readonly requests: GitHubRequestRecord[] = [];
  private readonly approvals = new Map<string, ApprovalInput[]>();
  private readonly denied = new Map<string, string>();
  private server?: Server;
  private baseUrl = '';

  private constructor(options: GitHubApiOptions) {
    this.token = options.token ?? `ghs_${randomBytes(18).toString('hex')}`;
  }

  static async start(options: GitHubApiOptions = {}): Promise<GitHubApi> {
    const api = new GitHubApi(options);
    await api.listen();
    return api;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** The variables an action reads to reach this server: `GITHUB_API_URL` and `GITHUB_TOKEN`. */
  env(): { GITHUB_API_URL: string; GITHUB_TOKEN: string } {
    return { GITHUB_API_URL: this.baseUrl, GITHUB_TOKEN: this.token };
  }

  /** The review history of run `runId` of `repository` (`owner/repo`), oldest first. */
  setApprovals(repository: string, runId: string | number, approvals: ApprovalInput[]): void {
    this.approvals.set(
      runKey(repository, runId),
      approvals.map((a) => ({ ...a })),
    );
  }

  /**
   * Every request about `repository` is answered 403, as GitHub answers a GITHUB_TOKEN without the
   * permission (`permissions: actions: read` missing).
   */
  deny(repository: string, message = 'Resource not accessible by integration'): void {
    this.denied.set(repository.toLowerCase(), message);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 1000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const authenticated = bearerToken(req.headers.authorization) === this.token;
    const [status, body] = this.answer(req.method ?? 'GET', path, authenticated);
    this.requests.push({ method: req.method ?? 'GET', path, status, authenticated });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  private answer(method: string, path: string, authenticated: boolean): [number, unknown] {
    // GitHub answers a missing or wrong token before it looks at the path.
    if (!authenticated)
      return [
        401,
        { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
      ];
    const match = APPROVALS.exec(path);
    if (method !== 'GET' || !match) return notFound();
    const [, owner, repo, runId] = match as unknown as [string, string, string, string];
    const repository = `${owner}/${repo}`;
    const denial = this.denied.get(repository.toLowerCase());
    if (denial !== undefined) return [403, { message: denial, documentation_url: DOCS, status: '403' }];
    const approvals = this.approvals.get(runKey(repository, runId));
    if (!approvals) return notFound();
    return [200, approvals.map((approval, index) => this.review(repository, approval, index))];
  }

  /** An `environment-approvals` object as GitHub's OpenAPI describes it. */
  private review(repository: string, approval: ApprovalInput, index: number): unknown {
    const at = new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
    return {
      state: approval.state,
      comment: approval.comment ?? '',
      environments: approval.environments.map((name, i) => ({
        id: 1000 + i,
        node_id: `EN_${i}`,
        name,
        url: `${this.baseUrl}/repos/${repository}/environments/${encodeURIComponent(name)}`,
        html_url: `https://github.com/${repository}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
        created_at: at,
        updated_at: at,
      })),
      user: { login: approval.login, id: 5000 + index, type: 'User', site_admin: false },
    };
  }
}

function runKey(repository: string, runId: string | number): string {
  return `${repository.toLowerCase()}#${runId}`;
}

function notFound(): [number, unknown] {
  return [404, { message: 'Not Found', documentation_url: DOCS, status: '404' }];
}

/** GitHub takes `Bearer <token>` and the older `token <token>`. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}
