import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitHubApi } from '@dbmig/sandbox';
import {
  COMMENT_BODY_LIMIT,
  GITHUB_ACTIONS_LOGIN,
  previewMarker,
  pullRequestNumber,
  stickyBody,
  upsertStickyComment,
} from './comments.js';

let github: GitHubApi;
const REPO = 'acme/payments';
const MARKER = previewMarker('dev');

beforeAll(async () => {
  github = await GitHubApi.start();
  github.deny('acme/fork-only');
});
afterAll(async () => {
  await github.stop();
});

function upsert(issue: number, body: string, repository = REPO) {
  return upsertStickyComment({
    apiUrl: github.url,
    token: github.token,
    repository,
    issue,
    marker: MARKER,
    body,
    author: GITHUB_ACTIONS_LOGIN,
  });
}

test('creates once, then updates in place, and does not touch a comment that already says it', async () => {
  const created = await upsert(1, 'plan A');
  expect(created).toMatchObject({ outcome: 'created', truncated: false });
  const updated = await upsert(1, 'plan B');
  expect(updated).toMatchObject({ outcome: 'updated' });
  const before = github.requests.length;
  const same = await upsert(1, 'plan B');
  expect(same).toMatchObject({ outcome: 'unchanged' });
  expect(github.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  const comments = github.issueComments(REPO, 1);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toBe(`plan B\n${MARKER}`);
  if (created.outcome !== 'refused' && updated.outcome !== 'refused') expect(updated.id).toBe(created.id);
});

test("leaves someone else's comment that quotes the marker alone, and finds its own past the first page", async () => {
  github.addIssueComment(REPO, 2, { login: 'alice', body: `look at this:\n${MARKER}` });
  for (let i = 0; i < 120; i++) github.addIssueComment(REPO, 2, { login: 'bob', body: `chatter ${i}` });
  expect(await upsert(2, 'plan A')).toMatchObject({ outcome: 'created' });
  // 122 comments: the token's own is on the second page of 100.
  expect(await upsert(2, 'plan B')).toMatchObject({ outcome: 'updated' });
  const comments = github.issueComments(REPO, 2);
  expect(comments).toHaveLength(122);
  expect(comments[0]!.body).toBe(`look at this:\n${MARKER}`);
  expect(comments.filter((c) => c.user.login === GITHUB_ACTIONS_LOGIN).map((c) => c.body)).toEqual([
    `plan B\n${MARKER}`,
  ]);
  expect(github.requests.some((r) => r.path === `/repos/${REPO}/issues/2/comments` && r.status === 200)).toBe(
    true,
  );
});

test("another environment's marker is another comment", async () => {
  await upsert(3, 'dev plan');
  await upsertStickyComment({
    apiUrl: github.url,
    token: github.token,
    repository: REPO,
    issue: 3,
    marker: previewMarker('prod'),
    body: 'prod plan',
    author: 'github-actions',
  });
  expect(github.issueComments(REPO, 3).map((c) => c.body)).toEqual([
    `dev plan\n${MARKER}`,
    `prod plan\n${previewMarker('prod')}`,
  ]);
});

test("a read-only token (a fork's pull request) is refused with a reason that says what to do", async () => {
  const outcome = await upsert(4, 'plan', 'acme/fork-only');
  expect(outcome.outcome).toBe('refused');
  if (outcome.outcome !== 'refused') return;
  expect(outcome.status).toBe(403);
  expect(outcome.reason).toContain('GitHub answered 403: Resource not accessible by integration');
  expect(outcome.reason).toContain('pull-requests: write');
  expect(outcome.reason).not.toContain(github.token);
});

test("a body past GitHub's limit is cut with a note, keeping the marker as the last line", async () => {
  const { body, truncated } = stickyBody('x'.repeat(COMMENT_BODY_LIMIT + 10), MARKER);
  expect(truncated).toBe(true);
  expect(body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
  expect(body.endsWith(`\n${MARKER}`)).toBe(true);
  expect(body).toContain('the job summary of this run has all of it');
  expect(await upsert(5, 'y'.repeat(COMMENT_BODY_LIMIT * 2))).toMatchObject({
    outcome: 'created',
    truncated: true,
  });
  expect(github.issueComments(REPO, 5)[0]!.body.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
});

test('the pull request number comes from the event payload', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'event-'));
  const write = async (name: string, payload: unknown) => {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify(payload));
    return file;
  };
  expect(await pullRequestNumber(await write('pr.json', { pull_request: { number: 42 } }))).toBe(42);
  expect(await pullRequestNumber(await write('issue.json', { issue: { number: 7 } }))).toBe(7);
  expect(await pullRequestNumber(await write('push.json', { ref: 'refs/heads/main' }))).toBeUndefined();
  expect(await pullRequestNumber(path.join(dir, 'missing.json'))).toBeUndefined();
  expect(await pullRequestNumber(undefined)).toBeUndefined();
});
