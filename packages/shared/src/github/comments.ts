import { readFile } from 'node:fs/promises';
import { requestGitHub, type GitHubAnswer } from './rest.js';

/*
 * One sticky comment on a pull request, found again and updated in place on every run (github.md §6,
 * after marocchino/sticky-pull-request-comment's convention): the body ends with a hidden marker line,
 * and the comment to update is the first one whose body holds the marker and whose author is the
 * token's own user. A comment by anyone else that quotes the marker is theirs and is left alone. Through
 * REST rather than GraphQL: list (100 a page, following `Link: rel="next"`), then POST or PATCH.
 */

/** GitHub refuses a comment body longer than this, in characters. */
export const COMMENT_BODY_LIMIT = 65_536;

/** The login a workflow's GITHUB_TOKEN posts as; the REST API gives it with the `[bot]` suffix. */
export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]';

export interface StickyComment {
  apiUrl?: string;
  token: string;
  /** `owner/repo`. */
  repository: string;
  /** The pull request's number (its conversation is the issue of the same number). */
  issue: number;
  /** The hidden line that names the comment, e.g. `<!-- db-migration-toolkit preview: dev -->`. */
  marker: string;
  body: string;
  /** The login the token posts as: only its comments are updated. */
  author: string;
}

export type StickyOutcome =
  | { outcome: 'created' | 'updated' | 'unchanged'; id: number; url?: string; truncated: boolean }
  /** GitHub said no or could not be reached: `reason` says which call, why, and what to do. */
  | { outcome: 'refused'; reason: string; status?: number };

interface CommentJson {
  id: number;
  body?: string;
  html_url?: string;
  user?: { login?: string } | null;
}

/** The marker of an environment's preview comment. */
export function previewMarker(environment: string): string {
  return `<!-- db-migration-toolkit preview: ${environment} -->`;
}

/**
 * The body as posted: the text, cut with a note when it would pass GitHub's limit, and the marker as
 * its last line so that the next run finds it whatever the text holds.
 */
export function stickyBody(text: string, marker: string): { body: string; truncated: boolean } {
  const tail = `\n${marker}`;
  if (text.length + tail.length <= COMMENT_BODY_LIMIT) return { body: `${text}${tail}`, truncated: false };
  const note =
    `\n\n… _cut here: the whole plan is longer than GitHub's ${COMMENT_BODY_LIMIT.toLocaleString('en-US')}` +
    ' characters for a comment; the job summary of this run has all of it._';
  const room = COMMENT_BODY_LIMIT - tail.length - note.length;
  return { body: `${text.slice(0, room)}${note}${tail}`, truncated: true };
}

/** Creates the sticky comment, or updates the one found (not when its body is already this one). */
export async function upsertStickyComment(request: StickyComment): Promise<StickyOutcome> {
  const { body, truncated } = stickyBody(request.body, request.marker);
  const base = { ...(request.apiUrl ? { apiUrl: request.apiUrl } : {}), token: request.token };
  const issuePath = `/repos/${request.repository}/issues/${request.issue}/comments`;
  const found = await findComment(request, issuePath);
  if ('reason' in found) return found;
  if (found.comment) {
    const { comment } = found;
    if (comment.body === body) {
      return { outcome: 'unchanged', id: comment.id, ...url(comment), truncated };
    }
    const answer = await requestGitHub({
      ...base,
      method: 'PATCH',
      path: `/repos/${request.repository}/issues/comments/${comment.id}`,
      body: { body },
    });
    if (answer.outcome !== 'ok') return refusal(`update comment ${comment.id}`, request, answer);
    return { outcome: 'updated', id: comment.id, ...url(answer.body as CommentJson), truncated };
  }
  const answer = await requestGitHub({ ...base, method: 'POST', path: issuePath, body: { body } });
  if (answer.outcome !== 'ok') return refusal('create the comment', request, answer);
  const created = answer.body as CommentJson;
  return { outcome: 'created', id: created.id, ...url(created), truncated };
}

/** Every page of the conversation, oldest first, until the token's own comment with the marker. */
async function findComment(
  request: StickyComment,
  issuePath: string,
): Promise<{ comment?: CommentJson } | Extract<StickyOutcome, { outcome: 'refused' }>> {
  const author = ownLogin(request.author);
  let path: string | undefined = `${issuePath}?per_page=100`;
  while (path) {
    const answer = await requestGitHub({
      ...(request.apiUrl ? { apiUrl: request.apiUrl } : {}),
      token: request.token,
      method: 'GET',
      path,
    });
    if (answer.outcome !== 'ok') return refusal('list the comments', request, answer);
    if (!Array.isArray(answer.body)) {
      return {
        outcome: 'refused',
        reason: `GitHub answered the list of comments of ${where(request)} with something other than a list`,
      };
    }
    const comment = (answer.body as CommentJson[]).find(
      (c) =>
        typeof c.body === 'string' &&
        c.body.includes(request.marker) &&
        ownLogin(c.user?.login ?? '') === author,
    );
    if (comment) return { comment };
    path = answer.next;
  }
  return {};
}

/** `github-actions[bot]` and `github-actions` are one user: REST names bots with the suffix, GraphQL without. */
function ownLogin(login: string): string {
  return login.replace(/\[bot\]$/i, '').toLowerCase();
}

function url(comment: CommentJson): { url?: string } {
  return typeof comment.html_url === 'string' ? { url: comment.html_url } : {};
}

function where(request: StickyComment): string {
  return `pull request #${request.issue} of ${request.repository}`;
}

function refusal(
  call: string,
  request: StickyComment,
  answer: Exclude<GitHubAnswer, { outcome: 'ok' }>,
): Extract<StickyOutcome, { outcome: 'refused' }> {
  if (answer.outcome === 'unreachable') {
    return {
      outcome: 'refused',
      reason: `could not ${call} on ${where(request)}: GitHub (${answer.base}) did not answer (${answer.cause})`,
    };
  }
  if (answer.outcome === 'not-json') {
    return {
      outcome: 'refused',
      status: answer.status,
      reason: `could not ${call} on ${where(request)}: GitHub answered ${answer.status} without JSON`,
    };
  }
  const said = answer.message ? `: ${answer.message}` : '';
  const fix =
    answer.status === 403 || answer.status === 401
      ? ". The job's token may not write to pull requests: give the job `permissions: pull-requests: write`; " +
        'a pull request from a fork gets a read-only token, so its preview goes to the job summary only'
      : '';
  return {
    outcome: 'refused',
    status: answer.status,
    reason: `could not ${call} on ${where(request)}: GitHub answered ${answer.status}${said}${fix}`,
  };
}

/**
 * The pull request's number from the event payload at GITHUB_EVENT_PATH: `pull_request.number`, or
 * `issue.number` for a comment event. Undefined when the event has none (a push, a dispatch).
 */
export async function pullRequestNumber(eventPath: string | undefined): Promise<number | undefined> {
  if (!eventPath) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch {
    return undefined;
  }
  const event = payload as { pull_request?: { number?: unknown }; issue?: { number?: unknown } } | null;
  const number = event?.pull_request?.number ?? event?.issue?.number;
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined;
}
