import { GitHubApi } from './api-server.js';

/*
 * The sandbox's issue comments over real HTTP, in GitHub's shapes: pages with a Link header, create,
 * update of the token's own comments only, and GitHub's refusals.
 */

let api: GitHubApi;
const REPO = 'acme/payments';

beforeAll(async () => {
  api = await GitHubApi.start();
  api.deny('acme/locked');
});
afterAll(async () => {
  await api.stop();
});

function call(method: string, path: string, body?: unknown, token: string | null = api.token) {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

test("POST creates a comment by the token's bot (201); PATCH updates it (200); GET lists it", async () => {
  const created = await call('POST', `/repos/${REPO}/issues/5/comments`, { body: 'first' });
  expect(created.status).toBe(201);
  const comment = (await created.json()) as {
    id: number;
    body: string;
    user: { login: string; type: string };
  };
  expect(comment).toMatchObject({ body: 'first', user: { login: 'github-actions[bot]', type: 'Bot' } });

  const updated = await call('PATCH', `/repos/${REPO}/issues/comments/${comment.id}`, { body: 'second' });
  expect(updated.status).toBe(200);
  const after = (await updated.json()) as {
    id: number;
    body: string;
    created_at: string;
    updated_at: string;
  };
  expect(after.id).toBe(comment.id);
  expect(after.body).toBe('second');
  expect(after.updated_at > after.created_at).toBe(true);

  const listed = await call('GET', `/repos/${REPO}/issues/5/comments`);
  expect(listed.status).toBe(200);
  expect(listed.headers.get('link')).toBeNull();
  expect(((await listed.json()) as { body: string }[]).map((c) => c.body)).toEqual(['second']);
  expect(api.issueComments(REPO, 5).map((c) => c.body)).toEqual(['second']);
});

test('GET pages by per_page and page, ascending, with Link rel="next" and rel="last" while more remain', async () => {
  for (let i = 0; i < 7; i++) api.addIssueComment(REPO, 6, { login: 'alice', body: `c${i}` });
  const first = await call('GET', `/repos/${REPO}/issues/6/comments?per_page=3`);
  expect(((await first.json()) as { body: string }[]).map((c) => c.body)).toEqual(['c0', 'c1', 'c2']);
  const link = first.headers.get('link')!;
  expect(link).toContain(`<${api.url}/repos/${REPO}/issues/6/comments?per_page=3&page=2>; rel="next"`);
  expect(link).toContain('page=3>; rel="last"');
  const last = await call('GET', `/repos/${REPO}/issues/6/comments?per_page=3&page=3`);
  expect(((await last.json()) as { body: string }[]).map((c) => c.body)).toEqual(['c6']);
  expect(last.headers.get('link')).not.toContain('rel="next"');
});

test("PATCH of someone else's comment is refused (403) and leaves it as it was", async () => {
  const theirs = api.addIssueComment(REPO, 7, { login: 'alice', body: 'mine' });
  const answer = await call('PATCH', `/repos/${REPO}/issues/comments/${theirs.id}`, { body: 'taken' });
  expect(answer.status).toBe(403);
  expect(api.issueComments(REPO, 7).map((c) => c.body)).toEqual(['mine']);
  expect((await call('PATCH', `/repos/${REPO}/issues/comments/999`, { body: 'x' })).status).toBe(404);
});

test('refusals: no token 401, a denied repository 403, an empty or oversized body 422, bad JSON 400', async () => {
  expect((await call('GET', `/repos/${REPO}/issues/5/comments`, undefined, null)).status).toBe(401);
  expect((await call('POST', '/repos/acme/locked/issues/1/comments', { body: 'x' })).status).toBe(403);
  expect((await call('POST', `/repos/${REPO}/issues/8/comments`, {})).status).toBe(422);
  expect((await call('POST', `/repos/${REPO}/issues/8/comments`, { body: 'x'.repeat(65_537) })).status).toBe(
    422,
  );
  const bad = await fetch(`${api.url}/repos/${REPO}/issues/8/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: '{not json',
  });
  expect(bad.status).toBe(400);
  expect(api.issueComments(REPO, 8)).toEqual([]);
  expect(
    api.requests.filter((r) => r.path === `/repos/${REPO}/issues/8/comments`).map((r) => r.status),
  ).toEqual([422, 422, 400]);
});
