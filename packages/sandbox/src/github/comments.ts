import type { IncomingMessage, ServerResponse } from 'node:http';
/*
 * The issue comments of the sandbox's GitHub (a pull request's conversation is its issue's comments), in
 * the shapes of docs.github.com/rest/issues/comments (github.md §6):
 * - `GET /repos/{owner}/{repo}/issues/{number}/comments?per_page&page`: ascending id, 30 a page by
 *   default and 100 at most, with a `Link` header naming the next and last pages when there are more;
 * - `POST /repos/{owner}/{repo}/issues/{number}/comments` `{ body }` → 201 and the comment;
 * - `PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}` `{ body }` → 200 and the comment.
 * What the token posts is authored by `github-actions[bot]`, as a workflow's GITHUB_TOKEN posts it; a test
 * adds comments by anyone else with `add`.
 */

/** The user a GITHUB_TOKEN acts as. */
export const TOKEN_USER = { login: 'github-actions[bot]', id: 41_898_282, type: 'Bot' } as const;

/** GitHub's limit on a comment's body, in characters. */
export const COMMENT_BODY_LIMIT = 65_536;

export interface StoredComment {
  id: number;
  repository: string;
  issue: number;
  body: string;
  user: { login: string; id: number; type: 'User' | 'Bot' };
  createdAt: string;
  updatedAt: string;
}

/** How the server answers one request about comments: status, JSON body and any extra headers. */
export interface CommentAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const LIST_DOCS = 'https://docs.github.com/rest/issues/comments#list-issue-comments';
const CREATE_DOCS = 'https://docs.github.com/rest/issues/comments#create-an-issue-comment';
const UPDATE_DOCS = 'https://docs.github.com/rest/issues/comments#update-an-issue-comment';
const ISSUE_COMMENTS = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/;
const ONE_COMMENT = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/;

/** A request about comments: the repository it concerns (for a denial), its docs, and its answer. */
export interface CommentRoute {
  repository: string;
  docs: string;
  answer(body: unknown): CommentAnswer;
}

export class Comments {
  private readonly list: StoredComment[] = [];
  private nextId = 2_118_000_001;
  private clock = Date.UTC(2026, 0, 1);

  /** The comments of issue (or pull request) `issue` of `repository`, oldest first, as copies. */
  of(repository: string, issue: number): StoredComment[] {
    return this.list
      .filter((c) => same(c.repository, repository) && c.issue === issue)
      .map((c) => ({ ...c, user: { ...c.user } }));
  }

  /** Adds a comment as `login` (a person, unless `type` says otherwise), as if they had posted it. */
  add(
    repository: string,
    issue: number,
    comment: { login: string; body: string; type?: 'User' | 'Bot' },
  ): StoredComment {
    return this.create(repository, issue, comment.body, {
      login: comment.login,
      id: 7_000_000 + this.list.length,
      type: comment.type ?? 'User',
    });
  }

  /** The route of a comments request, or undefined when `method` and `path` are not one. */
  route(method: string, url: URL, apiBase: string): CommentRoute | undefined {
    const issueMatch = ISSUE_COMMENTS.exec(url.pathname);
    if (issueMatch) {
      const [, owner, repo, number] = issueMatch as unknown as [string, string, string, string];
      const repository = `${owner}/${repo}`;
      const issue = Number(number);
      if (method === 'GET') {
        return {
          repository,
          docs: LIST_DOCS,
          answer: () => this.answerList(repository, issue, url, apiBase),
        };
      }
      if (method === 'POST') {
        return {
          repository,
          docs: CREATE_DOCS,
          answer: (body) => {
            const text = bodyText(body, CREATE_DOCS);
            if (typeof text !== 'string') return text;
            return {
              status: 201,
              body: this.render(this.create(repository, issue, text, TOKEN_USER), apiBase),
            };
          },
        };
      }
      return undefined;
    }
    const commentMatch = method === 'PATCH' ? ONE_COMMENT.exec(url.pathname) : null;
    if (commentMatch) {
      const [, owner, repo, id] = commentMatch as unknown as [string, string, string, string];
      const repository = `${owner}/${repo}`;
      return {
        repository,
        docs: UPDATE_DOCS,
        answer: (body) => this.answerUpdate(repository, Number(id), body, apiBase),
      };
    }
    return undefined;
  }

  private create(
    repository: string,
    issue: number,
    body: string,
    user: StoredComment['user'],
  ): StoredComment {
    const at = this.tick();
    const stored: StoredComment = {
      id: this.nextId++,
      repository,
      issue,
      body,
      user: { ...user },
      createdAt: at,
      updatedAt: at,
    };
    this.list.push(stored);
    return { ...stored, user: { ...stored.user } };
  }

  private answerList(repository: string, issue: number, url: URL, apiBase: string): CommentAnswer {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const all = this.list.filter((c) => same(c.repository, repository) && c.issue === issue);
    const pages = Math.max(1, Math.ceil(all.length / perPage));
    const shown = all.slice((page - 1) * perPage, page * perPage).map((c) => this.render(c, apiBase));
    const link = (n: number, rel: string) =>
      `<${apiBase}/repos/${repository}/issues/${issue}/comments?per_page=${perPage}&page=${n}>; rel="${rel}"`;
    const links = [
      ...(page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    return { status: 200, body: shown, ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}) };
  }

  private answerUpdate(repository: string, id: number, body: unknown, apiBase: string): CommentAnswer {
    const stored = this.list.find((c) => c.id === id && same(c.repository, repository));
    if (!stored)
      return { status: 404, body: { message: 'Not Found', documentation_url: UPDATE_DOCS, status: '404' } };
    // A token edits only what it posted: someone else's comment is theirs (a maintainer's token aside).
    if (stored.user.login !== TOKEN_USER.login) {
      return {
        status: 403,
        body: {
          message: 'Resource not accessible by integration',
          documentation_url: UPDATE_DOCS,
          status: '403',
        },
      };
    }
    const text = bodyText(body, UPDATE_DOCS);
    if (typeof text !== 'string') return text;
    stored.body = text;
    stored.updatedAt = this.tick();
    return { status: 200, body: this.render(stored, apiBase) };
  }

  /** An `issue-comment` object as GitHub's OpenAPI describes it. */
  private render(c: StoredComment, apiBase: string): unknown {
    const site = `https://github.com/${c.repository}`;
    return {
      id: c.id,
      node_id: `IC_${c.id.toString(36)}`,
      url: `${apiBase}/repos/${c.repository}/issues/comments/${c.id}`,
      html_url: `${site}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${apiBase}/repos/${c.repository}/issues/${c.issue}`,
      body: c.body,
      user: { login: c.user.login, id: c.user.id, type: c.user.type, site_admin: false },
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
      performed_via_github_app: null,
    };
  }

  /** Each change a second later than the one before, so that updated_at shows an update. */
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }
}

/** The `body` of a create or update, or GitHub's 422 when it is missing, not a string, or too long. */
function bodyText(body: unknown, docs: string): string | CommentAnswer {
  const text = (body as { body?: unknown } | null)?.body;
  if (typeof text !== 'string' || text === '') {
    return {
      status: 422,
      body: {
        message: 'Invalid request.\n\n"body" wasn\'t supplied.',
        documentation_url: docs,
        status: '422',
      },
    };
  }
  if (text.length > COMMENT_BODY_LIMIT) {
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`,
          },
        ],
        documentation_url: docs,
        status: '422',
      },
    };
  }
  return text;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** What the server decides before a route's answer: the token, and a repository denied by the test. */
export interface CommentGate {
  authenticated: boolean;
  /** The 403 message when the test denied the route's repository. */
  denial?: string;
  /** Called once with the status the request was answered with. */
  record(status: number): void;
}

/**
 * Answers one comments request: GitHub's 401 for a bad token and 403 for a denied repository before
 * anything else, then the JSON body read and handed to the route.
 */
export async function serveComments(
  req: IncomingMessage,
  res: ServerResponse,
  route: CommentRoute,
  gate: CommentGate,
): Promise<void> {
  let answer: CommentAnswer;
  if (!gate.authenticated) {
    answer = {
      status: 401,
      body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
    };
  } else if (gate.denial !== undefined) {
    answer = { status: 403, body: { message: gate.denial, documentation_url: route.docs, status: '403' } };
  } else {
    const raw = await readBody(req);
    let parsed: unknown = null;
    try {
      parsed = raw === '' ? null : JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    answer =
      parsed === undefined
        ? {
            status: 400,
            body: { message: 'Problems parsing JSON', documentation_url: route.docs, status: '400' },
          }
        : route.answer(parsed);
  }
  gate.record(answer.status);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
