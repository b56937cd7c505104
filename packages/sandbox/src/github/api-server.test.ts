import { acceptsConnections } from '../test-support.js';
import { GitHubApi } from './api-server.js';

let api: GitHubApi;

beforeAll(async () => {
  api = await GitHubApi.start();
  api.setApprovals('acme/payments', 42, [
    { state: 'approved', login: 'alice', environments: ['dev-cutover'], comment: 'go' },
  ]);
  api.setEnvironment('acme/payments', 'prod-v1-cleanup', {
    reviewers: [
      { type: 'User', login: 'alice' },
      { type: 'Team', login: 'dba' },
    ],
    preventSelfReview: true,
    waitTimer: 30,
    branchPolicy: 'protected-branches',
  });
  api.setEnvironment('acme/payments', 'dev/v1-cleanup');
  api.deny('acme/locked');
  api.setEnvironment('acme/locked', 'prod-v1-cleanup', { reviewers: [{ type: 'User', login: 'alice' }] });
});

afterAll(async () => {
  await api.stop();
});

/** `token: null` sends no Authorization header. */
function get(path: string, token: string | null = api.token): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    headers: {
      accept: 'application/vnd.github+json',
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
    },
  });
}

describe('GitHubApi', () => {
  test('listens on 127.0.0.1 and env() points GITHUB_API_URL and GITHUB_TOKEN at it', () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.env()).toEqual({ GITHUB_API_URL: api.url, GITHUB_TOKEN: api.token });
  });

  test("answers a run's review history in GitHub's shape", async () => {
    const response = await get('/repos/acme/payments/actions/runs/42/approvals');
    expect(response.status).toBe(200);
    const body = (await response.json()) as unknown[];
    expect(body).toEqual([
      {
        state: 'approved',
        comment: 'go',
        environments: [expect.objectContaining({ name: 'dev-cutover', id: expect.any(Number) })],
        user: expect.objectContaining({ login: 'alice', id: expect.any(Number) }),
      },
    ]);
  });

  test('refuses a missing or wrong token with 401, a denied repository with 403, an unknown run with 404', async () => {
    expect((await get('/repos/acme/payments/actions/runs/42/approvals', null)).status).toBe(401);
    expect((await get('/repos/acme/payments/actions/runs/42/approvals', 'wrong')).status).toBe(401);
    const denied = await get('/repos/acme/locked/actions/runs/42/approvals');
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { message: string }).message).toBe(
      'Resource not accessible by integration',
    );
    expect((await get('/repos/acme/payments/actions/runs/43/approvals')).status).toBe(404);
    expect(api.requests.map((r) => [r.status, r.authenticated])).toEqual(
      expect.arrayContaining([
        [401, false],
        [403, true],
        [404, true],
      ]),
    );
  });

  test("answers an environment's protection rules in GitHub's shape", async () => {
    const response = await get('/repos/acme/payments/environments/prod-v1-cleanup');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      id: expect.any(Number),
      node_id: expect.any(String),
      name: 'prod-v1-cleanup',
      url: `${api.url}/repos/acme/payments/environments/prod-v1-cleanup`,
      html_url:
        'https://github.com/acme/payments/deployments/activity_log?environments_filter=prod-v1-cleanup',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      protection_rules: [
        { id: expect.any(Number), node_id: expect.any(String), type: 'wait_timer', wait_timer: 30 },
        {
          id: expect.any(Number),
          node_id: expect.any(String),
          type: 'required_reviewers',
          prevent_self_review: true,
          reviewers: [
            { type: 'User', reviewer: expect.objectContaining({ login: 'alice', id: expect.any(Number) }) },
            {
              type: 'Team',
              reviewer: expect.objectContaining({ slug: 'dba', name: 'dba', id: expect.any(Number) }),
            },
          ],
        },
        { id: expect.any(Number), node_id: expect.any(String), type: 'branch_policy' },
      ],
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
    });
    const rules = body['protection_rules'] as Array<{ id: number }>;
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(3);
  });

  test('an environment without rules has none; names are matched case-insensitively and may hold a slash', async () => {
    const response = await get('/repos/Acme/Payments/environments/DEV%2Fv1-cleanup');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      name: 'dev/v1-cleanup',
      url: `${api.url}/repos/Acme/Payments/environments/dev%2Fv1-cleanup`,
      protection_rules: [],
      deployment_branch_policy: null,
    });
    expect(api.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/repos/Acme/Payments/environments/DEV%2Fv1-cleanup',
      status: 200,
      authenticated: true,
    });
  });

  test('setting an environment again replaces its rules and keeps its identity', async () => {
    const other = await GitHubApi.start();
    try {
      other.setEnvironment('acme/payments', 'qa', { reviewers: [{ type: 'User', login: 'alice' }] });
      const before = (await (
        await fetch(`${other.url}/repos/acme/payments/environments/qa`, {
          headers: { authorization: `Bearer ${other.token}` },
        })
      ).json()) as { id: number; created_at: string; updated_at: string; protection_rules: unknown[] };
      other.setEnvironment('acme/payments', 'QA', { reviewers: [] });
      const after = (await (
        await fetch(`${other.url}/repos/acme/payments/environments/qa`, {
          headers: { authorization: `Bearer ${other.token}` },
        })
      ).json()) as typeof before;
      expect(after).toMatchObject({ id: before.id, name: 'qa', created_at: before.created_at });
      expect(after.updated_at > before.updated_at).toBe(true);
      // An emptied reviewer list leaves the rule without reviewers, as GitHub can hold it.
      expect(before.protection_rules).toEqual([
        expect.objectContaining({ type: 'required_reviewers', reviewers: [expect.anything()] }),
      ]);
      expect(after.protection_rules).toEqual([
        expect.objectContaining({ type: 'required_reviewers', prevent_self_review: false, reviewers: [] }),
      ]);
    } finally {
      await other.stop();
    }
  });

  test('refuses an environment: 401 without the token, 403 for a denied repository, 404 when it does not exist', async () => {
    expect((await get('/repos/acme/payments/environments/prod-v1-cleanup', null)).status).toBe(401);
    expect((await get('/repos/acme/payments/environments/prod-v1-cleanup', 'wrong')).status).toBe(401);
    const denied = await get('/repos/acme/locked/environments/prod-v1-cleanup');
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: expect.stringContaining('environments'),
      status: '403',
    });
    const missing = await get('/repos/acme/payments/environments/prod-cutover');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      message: 'Not Found',
      documentation_url: expect.stringContaining('environments'),
      status: '404',
    });
    // Another repository's environment of the same name is not this one's.
    expect((await get('/repos/acme/other/environments/prod-v1-cleanup')).status).toBe(404);
    // A write the server does not know is not found, and changes nothing.
    const post = await fetch(`${api.url}/repos/acme/payments/environments/prod-v1-cleanup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reviewers: [] }),
    });
    expect(post.status).toBe(404);
    const after = (await (await get('/repos/acme/payments/environments/prod-v1-cleanup')).json()) as {
      protection_rules: unknown[];
    };
    expect(after.protection_rules).toHaveLength(3);
  });

  test('rejects a wait timer that is not a whole number of minutes', () => {
    expect(() => api.setEnvironment('acme/payments', 'bad', { waitTimer: 1.5 })).toThrow(/whole number/);
  });

  test('stops listening when stopped', async () => {
    const other = await GitHubApi.start({ token: 't' });
    const port = Number(new URL(other.url).port);
    expect(await acceptsConnections(port)).toBe(true);
    await other.stop();
    expect(await acceptsConnections(port)).toBe(false);
  });
});
