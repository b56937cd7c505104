import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Environments, renderEnvironment, type EnvironmentInput } from './environments.js';
import { Directory, renderTeam, renderUser } from './directory.js';
import { parseEnvironmentUpdate } from './environment-update.js';
import { BranchPolicies, parseBranchPolicy, renderBranchPolicy } from './branch-policies.js';
import { Comments, serveComments, type StoredComment } from './comments.js';

/*
 * A minimal GitHub REST API on 127.0.0.1 for tests: the endpoints the toolkit calls through
 * GITHUB_API_URL, answered from state a test sets, behind a bearer token (github.md §4):
 * - `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`: who reviewed a run (the ledger);
 * - `GET /repos/{owner}/{repo}/environments/{name}`: an environment's protection rules (cleanup's gate);
 * - `PUT` of the same path: creates or updates it, checked as GitHub checks it (environment-update.ts);
 * - `GET /users/{username}`, `GET /orgs/{org}/teams/{team_slug}`: the ids of reviewers (directory.ts);
 * - `GET /repos/{owner}/{repo}`: whether a repository exists (before its environments are set up);
 * - `GET`, `POST .../environments/{name}/deployment-branch-policies`, `DELETE .../{id}`: its branch patterns.
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
const UPDATE_ENVIRONMENT_DOCS =
  'https://docs.github.com/rest/deployments/environments#create-or-update-an-environment';
const USER_DOCS = 'https://docs.github.com/rest/users/users#get-a-user';
const TEAM_DOCS = 'https://docs.github.com/rest/teams/teams#get-a-team-by-name';
const USER = /^\/users\/([^/]+)$/;
const REPOSITORY_DOCS = 'https://docs.github.com/rest/repos/repos#get-a-repository';
const REPOSITORY = /^\/repos\/([^/]+)\/([^/]+)$/;
const BRANCH_POLICIES_DOCS = 'https://docs.github.com/rest/deployments/branch-policies';
const BRANCH_POLICIES =
  /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/deployment-branch-policies(?:\/(\d+))?$/;
const TEAM = /^\/orgs\/([^/]+)\/teams\/([^/]+)$/;

/** A request the server knows: the repository it is about (for `deny`) and how it is answered. */
interface Route {
  repository: string;
  docs: string;
  answer: () => [number, unknown];
  /** It changes the repository's settings: refused when the token may not administer it. */
  administers?: boolean;
}

export class GitHubApi {
  readonly token: string;
  readonly requests: GitHubRequestRecord[] = [];
  private readonly approvals = new Map<string, ApprovalInput[]>();
  private readonly environments = new Environments();
  private readonly denied = new Map<string, string>();
  private readonly directory = new Directory();
  /** The repositories a PUT may create environments in: those added, or given an environment. */
  private readonly repositories = new Set<string>();
  private readonly administrationDenied = new Map<string, string>();
  private readonly planGated = new Set<string>();
  private readonly branchPolicies = new BranchPolicies();
  private readonly comments = new Comments();
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
    const [owner = ''] = repository.split('/');
    for (const reviewer of rules.reviewers ?? []) {
      if (reviewer.type === 'User') this.directory.addUser(reviewer.login);
      else this.directory.addTeam(owner, reviewer.login);
    }
    this.addRepository(repository);
    this.environments.set(repository, name, rules);
  }

  /** A repository (`owner/repo`) that exists, so that a PUT may create environments in it. */
  addRepository(repository: string): void {
    this.repositories.add(repository.toLowerCase());
  }

  /** A user `GET /users/{login}` answers, who may be an environment's reviewer; returns its id. */
  addUser(login: string): number {
    return this.directory.addUser(login).id;
  }

  /** Team `slug` of organization `org`, as `GET /orgs/{org}/teams/{slug}` answers it; returns its id. */
  addTeam(org: string, slug: string): number {
    return this.directory.addTeam(org, slug).id;
  }

  /**
   * `repository` is private on a plan without required reviewers and wait timers (GitHub Free, Pro or
   * Team): an environment's PUT that carries any of those fields is refused 422, even at its default.
   */
  gatePlan(repository: string): void {
    this.planGated.add(repository.toLowerCase());
  }

  /**
   * Requests that change `repository`'s settings (an environment's PUT) are answered 403, while reads
   * are answered: a workflow's GITHUB_TOKEN has no `administration` permission (github.md §4).
   */
  denyAdministration(repository: string, message = 'Resource not accessible by integration'): void {
    this.administrationDenied.set(repository.toLowerCase(), message);
  }

  /**
   * Every request about `repository` is answered 403, as GitHub answers a GITHUB_TOKEN without the
   * permission (`permissions: actions: read` missing).
   */
  deny(repository: string, message = 'Resource not accessible by integration'): void {
    this.denied.set(repository.toLowerCase(), message);
  }

  /** The comments of issue or pull request `issue` of `repository`, oldest first. */
  issueComments(repository: string, issue: number): StoredComment[] {
    return this.comments.of(repository, issue);
  }

  /** A comment by someone other than the token (a person quoting the preview's marker, say). */
  addIssueComment(
    repository: string,
    issue: number,
    comment: { login: string; body: string },
  ): StoredComment {
    return this.comments.add(repository, issue, comment);
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
    // Issue comments (the sticky preview comment) read a body and page: comments.ts answers them.
    const comment = this.comments.route(
      req.method ?? 'GET',
      new URL(req.url ?? '/', 'http://localhost'),
      this.baseUrl,
    );
    if (comment) {
      const record = (status: number) =>
        this.requests.push({ method: req.method ?? 'GET', path, status, authenticated });
      const denial = this.denied.get(comment.repository.toLowerCase());
      void serveComments(req, res, comment, {
        authenticated,
        record,
        ...(denial !== undefined ? { denial } : {}),
      });
      return;
    }
    // The body is read whole first: an environment's PUT carries its rules in it.
    void readBody(req).then((text) => {
      const [status, body] = this.answer(req.method ?? 'GET', path, authenticated, text);
      this.requests.push({ method: req.method ?? 'GET', path, status, authenticated });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      // 204 No Content (a DELETE) has no body.
      res.end(status === 204 ? undefined : JSON.stringify(body));
    });
  }

  private answer(method: string, path: string, authenticated: boolean, text: string): [number, unknown] {
    // GitHub answers a missing or wrong token before it looks at the path.
    if (!authenticated)
      return [401, { message: 'Bad credentials', documentation_url: REST_DOCS, status: '401' }];
    const route = this.route(method, path, text);
    if (!route) return notFound(REST_DOCS);
    const denial =
      this.denied.get(route.repository.toLowerCase()) ??
      (route.administers ? this.administrationDenied.get(route.repository.toLowerCase()) : undefined);
    if (denial !== undefined) return [403, { message: denial, documentation_url: route.docs, status: '403' }];
    return route.answer();
  }

  private route(method: string, path: string, text = ''): Route | undefined {
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
    const update = method === 'PUT' ? ENVIRONMENT.exec(path) : null;
    if (update) {
      const [, owner, repo, encoded] = update as unknown as [string, string, string, string];
      const name = decodeSegment(encoded);
      if (name === undefined) return undefined;
      const repository = `${owner}/${repo}`;
      return {
        repository,
        docs: UPDATE_ENVIRONMENT_DOCS,
        administers: true,
        answer: () => this.updateEnvironment(repository, name, text),
      };
    }
    const policies = BRANCH_POLICIES.exec(path);
    if (policies) {
      const [, owner, repo, encoded, id] = policies as unknown as [string, string, string, string, string?];
      const name = decodeSegment(encoded);
      const known = id === undefined ? ['GET', 'POST'] : ['DELETE'];
      if (name === undefined || !known.includes(method)) return undefined;
      const repository = `${owner}/${repo}`;
      return {
        repository,
        docs: BRANCH_POLICIES_DOCS,
        administers: method !== 'GET',
        answer: () => this.answerBranchPolicies(method, repository, name, id, text),
      };
    }
    const repositoryMatch = method === 'GET' ? REPOSITORY.exec(path) : null;
    if (repositoryMatch) {
      const [, owner, repo] = repositoryMatch as unknown as [string, string, string];
      const repository = `${owner}/${repo}`;
      return { repository, docs: REPOSITORY_DOCS, answer: () => this.answerRepository(owner, repo) };
    }
    const user = method === 'GET' ? USER.exec(path) : null;
    if (user) {
      const login = decodeSegment(user[1] ?? '') ?? '';
      return { repository: '', docs: USER_DOCS, answer: () => this.answerUser(login) };
    }
    const team = method === 'GET' ? TEAM.exec(path) : null;
    if (team) {
      const [, org, slug] = team as unknown as [string, string, string];
      return { repository: '', docs: TEAM_DOCS, answer: () => this.answerTeam(org, slug) };
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
    return [200, renderEnvironment(this.baseUrl, repository, environment, this.directory)];
  }

  /** "Create or update an environment": 200 and the environment as it now is, or GitHub's refusal. */
  private updateEnvironment(repository: string, name: string, text: string): [number, unknown] {
    if (!this.repositories.has(repository.toLowerCase())) return notFound(UPDATE_ENVIRONMENT_DOCS);
    const [owner = ''] = repository.split('/');
    if (this.planGated.has(repository.toLowerCase()) && gatedFieldsIn(text)) {
      return [
        422,
        {
          message: 'Failed to create the environment protection rule',
          documentation_url: UPDATE_ENVIRONMENT_DOCS,
          status: '422',
        },
      ];
    }
    const current = this.environments.get(repository, name);
    const update = parseEnvironmentUpdate(text, current?.rules, owner, this.directory);
    if (!update.ok) {
      return [
        update.status,
        {
          message: update.message,
          documentation_url: UPDATE_ENVIRONMENT_DOCS,
          status: String(update.status),
        },
      ];
    }
    const stored = this.environments.set(repository, name, update.rules);
    if (stored.rules.branchPolicy !== 'custom-branch-policies') this.branchPolicies.clear(stored.id);
    return [200, renderEnvironment(this.baseUrl, repository, stored, this.directory)];
  }

  /**
   * An environment's custom branch patterns: listed, added (404 unless the environment is limited to
   * custom patterns, 303 for one it has), removed (204).
   */
  private answerBranchPolicies(
    method: string,
    repository: string,
    name: string,
    id: string | undefined,
    text: string,
  ): [number, unknown] {
    const environment = this.environments.get(repository, name);
    if (!environment) return notFound(BRANCH_POLICIES_DOCS);
    if (method === 'GET') {
      const list = this.branchPolicies.list(environment.id);
      return [200, { total_count: list.length, branch_policies: list.map(renderBranchPolicy) }];
    }
    if (method === 'DELETE') {
      return this.branchPolicies.remove(environment.id, Number(id))
        ? [204, null]
        : notFound(BRANCH_POLICIES_DOCS);
    }
    if (environment.rules.branchPolicy !== 'custom-branch-policies') return notFound(BRANCH_POLICIES_DOCS);
    const policy = parseBranchPolicy(text);
    if (typeof policy === 'string') {
      const status = policy === 'Problems parsing JSON' ? 400 : 422;
      return [status, { message: policy, documentation_url: BRANCH_POLICIES_DOCS, status: String(status) }];
    }
    const added = this.branchPolicies.add(environment.id, policy.name, policy.type);
    if (!added) return [303, { message: 'A policy with that name and type already exists', status: '303' }];
    return [200, renderBranchPolicy(added)];
  }

  /** The few fields of a `full-repository` that say it exists (its owner: a user or an organization). */
  private answerRepository(owner: string, repo: string): [number, unknown] {
    if (!this.repositories.has(`${owner}/${repo}`.toLowerCase())) return notFound(REPOSITORY_DOCS);
    return [
      200,
      {
        name: repo,
        full_name: `${owner}/${repo}`,
        owner: { login: owner },
        private: this.planGated.has(`${owner}/${repo}`.toLowerCase()),
        html_url: `https://github.com/${owner}/${repo}`,
        url: `${this.baseUrl}/repos/${owner}/${repo}`,
      },
    ];
  }

  private answerUser(login: string): [number, unknown] {
    const user = this.directory.user(login);
    return user ? [200, renderUser(this.baseUrl, user)] : notFound(USER_DOCS);
  }

  private answerTeam(org: string, slug: string): [number, unknown] {
    const team = this.directory.team(org, slug);
    return team ? [200, renderTeam(this.baseUrl, team)] : notFound(TEAM_DOCS);
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

/** Whether an environment's PUT body carries a field a plan-gated repository refuses. */
function gatedFieldsIn(text: string): boolean {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return ['wait_timer', 'prevent_self_review', 'reviewers'].some((field) => field in body);
  } catch {
    return false;
  }
}

/** A request's whole body as text ('' when it has none). */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** GitHub takes `Bearer <token>` and the older `token <token>`. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}
