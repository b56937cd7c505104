import { GitHubApi } from './api-server.js';

/*
 * The routes environment setup calls: the directory of users and teams, and "create or update an
 * environment" with GitHub's checks, over real HTTP.
 */

let api: GitHubApi;
let alice: number;
let dba: number;

beforeAll(async () => {
  api = await GitHubApi.start();
  alice = api.addUser('alice');
  dba = api.addTeam('acme', 'dba');
  api.addRepository('acme/payments');
  // Named by an environment a test set: known to the directory without being added.
  api.setEnvironment('acme/payments', 'prod-cutover', { reviewers: [{ type: 'User', login: 'carol' }] });
});

afterAll(async () => {
  await api.stop();
});

function call(method: string, path: string, body?: unknown, token: string | null = api.token) {
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
}

async function environment(name: string): Promise<Record<string, unknown>> {
  const response = await call('GET', `/repos/acme/payments/environments/${encodeURIComponent(name)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('the directory of users and teams', () => {
  test('GET /users/{login} answers a known user, case-insensitively, and 404 for anyone else', async () => {
    const response = await call('GET', '/users/Alice');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ login: 'alice', id: alice, type: 'User' });
    expect((await call('GET', '/users/mallory')).status).toBe(404);
  });

  test('GET /orgs/{org}/teams/{slug} answers a team of that organization only', async () => {
    const response = await call('GET', '/orgs/acme/teams/dba');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: dba, slug: 'dba', name: 'dba' });
    expect((await call('GET', '/orgs/other/teams/dba')).status).toBe(404);
    expect((await call('GET', '/orgs/acme/teams/sre')).status).toBe(404);
  });

  test("a reviewer named by setEnvironment is known, with the id the environment's answer gives", async () => {
    const user = (await (await call('GET', '/users/carol')).json()) as { id: number };
    const env = await environment('prod-cutover');
    expect(env['protection_rules']).toEqual([
      expect.objectContaining({
        type: 'required_reviewers',
        reviewers: [{ type: 'User', reviewer: expect.objectContaining({ login: 'carol', id: user.id }) }],
      }),
    ]);
  });

  test('refuses a request without the token', async () => {
    expect((await call('GET', '/users/alice', undefined, null)).status).toBe(401);
  });
});

describe('PUT /repos/{owner}/{repo}/environments/{name}', () => {
  test('creates an environment with reviewers by id, prevent-self-review and a branch policy', async () => {
    const response = await call('PUT', '/repos/acme/payments/environments/dev-cutover', {
      prevent_self_review: true,
      reviewers: [
        { type: 'User', id: alice },
        { type: 'Team', id: dba },
      ],
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'dev-cutover',
      protection_rules: [
        {
          type: 'required_reviewers',
          prevent_self_review: true,
          reviewers: [
            { type: 'User', reviewer: expect.objectContaining({ login: 'alice', id: alice }) },
            { type: 'Team', reviewer: expect.objectContaining({ slug: 'dba', id: dba }) },
          ],
        },
        { type: 'branch_policy' },
      ],
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
    });
    expect(await environment('dev-cutover')).toEqual(body);
    expect(api.requests.at(-2)).toEqual({
      method: 'PUT',
      path: '/repos/acme/payments/environments/dev-cutover',
      status: 200,
      authenticated: true,
    });
  });

  test('a field left out keeps its value; null clears the branch policy; the identity stays', async () => {
    const before = await environment('dev-cutover');
    const response = await call('PUT', '/repos/acme/payments/environments/DEV-CUTOVER', {
      wait_timer: 5,
      deployment_branch_policy: null,
    });
    expect(response.status).toBe(200);
    const after = await environment('dev-cutover');
    expect(after).toMatchObject({
      id: before['id'],
      name: 'dev-cutover',
      created_at: before['created_at'],
      deployment_branch_policy: null,
      protection_rules: [
        expect.objectContaining({ type: 'wait_timer', wait_timer: 5 }),
        expect.objectContaining({ type: 'required_reviewers', prevent_self_review: true }),
      ],
    });
  });

  test('an empty body creates an environment without rules', async () => {
    const response = await call('PUT', '/repos/acme/payments/environments/dev');
    expect(response.status).toBe(200);
    expect(await environment('dev')).toMatchObject({ protection_rules: [], deployment_branch_policy: null });
  });

  // Bodies are built when the test runs: the ids are only known once the directory has them.
  test.each<[string, () => unknown, RegExp]>([
    [
      'an unknown user id',
      () => ({ reviewers: [{ type: 'User', id: 1 }] }),
      /User with id 1 is not a known user/,
    ],
    [
      "a user's id given as a team's",
      () => ({ reviewers: [{ type: 'Team', id: alice }] }),
      /Team with id \d+ is not a known team of acme/,
    ],
    [
      'more than six reviewers',
      () => ({ reviewers: Array.from({ length: 7 }, () => ({ type: 'User', id: alice })) }),
      /more than 6 reviewers \(7 given\)/,
    ],
    [
      'a reviewer of another type',
      () => ({ reviewers: [{ type: 'Bot', id: alice }] }),
      /"type": "User" \| "Team"/,
    ],
    [
      'a negative wait timer',
      () => ({ wait_timer: -1 }),
      /wait_timer must be a whole number of minutes from 0 to 43200/,
    ],
    ['a wait timer over 30 days', () => ({ wait_timer: 43_201 }), /wait_timer .* not 43201/],
    ['a fractional wait timer', () => ({ wait_timer: 1.5 }), /wait_timer .* not 1.5/],
    [
      'a branch policy both protected and custom',
      () => ({ deployment_branch_policy: { protected_branches: true, custom_branch_policies: true } }),
      /exactly one of protected_branches and custom_branch_policies/,
    ],
    [
      'prevent-self-review without reviewers',
      () => ({ prevent_self_review: true, reviewers: [] }),
      /at least one reviewer to set prevent_self_review/,
    ],
  ])('refuses %s with 422 and changes nothing', async (_what, body, message) => {
    api.setEnvironment('acme/payments', 'qa', {
      reviewers: [{ type: 'User', login: 'alice' }],
      waitTimer: 3,
    });
    const before = await environment('qa');
    const response = await call('PUT', '/repos/acme/payments/environments/qa', body());
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect(await environment('qa')).toEqual(before);
  });

  test('refuses a body that is not JSON with 400', async () => {
    const response = await call('PUT', '/repos/acme/payments/environments/qa', '{not json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });

  test('answers 404 for a repository it does not know, 401 without the token', async () => {
    expect((await call('PUT', '/repos/acme/nothing/environments/dev', {})).status).toBe(404);
    expect((await call('GET', '/repos/acme/nothing/environments/dev')).status).toBe(404);
    expect((await call('PUT', '/repos/acme/payments/environments/dev', {}, 'wrong')).status).toBe(401);
  });

  test('GET /repos/{owner}/{repo} answers a repository it knows, 404 for any other', async () => {
    const response = await call('GET', '/repos/acme/payments');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ full_name: 'acme/payments', owner: { login: 'acme' } });
    expect((await call('GET', '/repos/acme/nothing')).status).toBe(404);
  });

  test('a private repository on a plan without required reviewers refuses them, and takes a bare environment', async () => {
    const other = await GitHubApi.start();
    try {
      other.addRepository('acme/private');
      other.gatePlan('acme/private');
      const id = other.addUser('alice');
      const headers = { authorization: `Bearer ${other.token}` };
      const url = `${other.url}/repos/acme/private/environments/dev-cutover`;
      for (const body of [
        { reviewers: [{ type: 'User', id }] },
        { wait_timer: 0 },
        { prevent_self_review: false },
      ]) {
        const put = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(body) });
        expect(put.status).toBe(422);
        expect(await put.json()).toMatchObject({
          message: 'Failed to create the environment protection rule',
        });
      }
      expect((await fetch(url, { headers })).status).toBe(404);
      const bare = await fetch(url, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ deployment_branch_policy: null }),
      });
      expect(bare.status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  test('a token that may not administer the repository reads its environments but may not change them', async () => {
    const other = await GitHubApi.start();
    try {
      other.setEnvironment('acme/payments', 'dev-cutover');
      other.denyAdministration('acme/payments');
      const headers = { authorization: `Bearer ${other.token}` };
      const url = `${other.url}/repos/acme/payments/environments/dev-cutover`;
      expect((await fetch(url, { headers })).status).toBe(200);
      const put = await fetch(url, { method: 'PUT', headers, body: '{"wait_timer": 1}' });
      expect(put.status).toBe(403);
      expect(await put.json()).toMatchObject({ message: 'Resource not accessible by integration' });
      expect(await (await fetch(url, { headers })).json()).toMatchObject({ protection_rules: [] });
    } finally {
      await other.stop();
    }
  });
});
