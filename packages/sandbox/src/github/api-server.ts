import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Environments, renderEnvironment, type EnvironmentInput } from './environments.js';

/*
 * A minimal GitHub REST API on 127.0.0.1 for tests: the endpoints the toolkit calls through
 * GITHUB_API_URL, answered from state a test sets, behind a bearer token (github.md §4):
 * - `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`: who reviewed a run (the ledger);
 * - `GET /repos/{owner}/{repo}/environments/{name}`: an environment's protection rules (cleanup's gate).
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

const REST_DOCS = 'https://docs.github.com/rest';
const APPROVALS_DOCS =
  'https://docs.github.com/rest/actions/workflow-runs#get-the-review-history-for-a-workflow-run';
const ENVIRONMENT_DOCS = 'https://docs.github.com/rest/deployments/environments#get-an-environment';
const APPROVALS = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/approvals$/;
/** The name is one path segment: a `/` in it arrives as `%2F`. */
const ENVIRONMENT = /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)$/;

/** A request the server knows: the repository it is about (for `deny`) and how it is answered. */
interface Route {
  repository: string;
  docs: string;
  answer: () => [number, unknown];
}

export class GitHubApi {
  readonly token: string;
  readonly requests: GitHubRequestRecord[] = [];
  private readonly approvals = new Map<string, ApprovalInput[]>();
  private readonly environments = new Environments();
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
   * Creates the deployment environment `name` of `repository` with these protection rules, or replaces
   * the rules of an existing one (names match case-insensitively, as on GitHub). `{}` is an environment
   * without protection rules, as a job that names a missing environment creates it.
   */
  setEnvironment(repository: string, name: string, rules: EnvironmentInput = {}): void {
    this.environments.set(repository, name, rules);
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
      return [401, { message: 'Bad credentials', documentation_url: REST_DOCS, status: '401' }];
    const route = this.route(method, path);
    if (!route) return notFound(REST_DOCS);
    const denial = this.denied.get(route.repository.toLowerCase());
    if (denial !== undefined) return [403, { message: denial, documentation_url: route.docs, status: '403' }];
    return route.answer();
  }

  private route(method: string, path: string): Route | undefined {
    const approvals = method === 'GET' ? APPROVALS.exec(path) : null;
    if (approvals) {
      const [, owner, repo, runId] = approvals as unknown as [string, string, string, string];
      const repository = `${owner}/${repo}`;
      return { repository, docs: APPROVALS_DOCS, answer: () => this.answerApprovals(repository, runId) };
    }
    const environment = method === 'GET' ? ENVIRONMENT.exec(path) : null;
    if (environment) {
      const [, owner, repo, encoded] = environment as unknown as [string, string, string, string];
      const name = decodeSegment(encoded);
      if (name === undefined) return undefined;
      const repository = `${owner}/${repo}`;
      return { repository, docs: ENVIRONMENT_DOCS, answer: () => this.answerEnvironment(repository, name) };
    }
    return undefined;
  }

  private answerApprovals(repository: string, runId: string): [number, unknown] {
    const approvals = this.approvals.get(runKey(repository, runId));
    if (!approvals) return notFound(APPROVALS_DOCS);
    return [200, approvals.map((approval, index) => this.review(repository, approval, index))];
  }

  private answerEnvironment(repository: string, name: string): [number, unknown] {
    const environment = this.environments.get(repository, name);
    if (!environment) return notFound(ENVIRONMENT_DOCS);
    return [200, renderEnvironment(this.baseUrl, repository, environment)];
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

function notFound(docs: string): [number, unknown] {
  return [404, { message: 'Not Found', documentation_url: docs, status: '404' }];
}

/** A percent-encoded path segment, or undefined when it is not valid percent-encoding. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** GitHub takes `Bearer <token>` and the older `token <token>`. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}
