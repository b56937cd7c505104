import { GitHubApi } from './api-server.js';

/* An environment's custom deployment branch patterns, over real HTTP. */

let api: GitHubApi;

beforeAll(async () => {
  api = await GitHubApi.start();
  api.setEnvironment('acme/payments', 'dev-cutover', { branchPolicy: 'custom-branch-policies' });
  api.setEnvironment('acme/payments', 'dev-v1-cleanup', { branchPolicy: 'protected-branches' });
});

afterAll(async () => {
  await api.stop();
});

const BASE = '/repos/acme/payments/environments/dev-cutover/deployment-branch-policies';

function call(method: string, path: string, body?: unknown, token: string = api.token): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method,
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}` },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function patterns(path = BASE): Promise<unknown> {
  return (await call('GET', path)).json();
}

describe('deployment branch policies', () => {
  test('adds, lists and removes the patterns of an environment limited to custom patterns', async () => {
    expect(await patterns()).toEqual({ total_count: 0, branch_policies: [] });
    const added = await call('POST', BASE, { name: 'main' });
    expect(added.status).toBe(200);
    const main = (await added.json()) as { id: number };
    expect(main).toEqual({
      id: expect.any(Number),
      node_id: expect.any(String),
      name: 'main',
      type: 'branch',
    });
    expect((await call('POST', BASE, { name: 'release/*', type: 'branch' })).status).toBe(200);
    expect(await patterns()).toMatchObject({
      total_count: 2,
      branch_policies: [{ name: 'main' }, { name: 'release/*' }],
    });
    const removed = await call('DELETE', `${BASE}/${main.id}`);
    expect(removed.status).toBe(204);
    expect(await removed.text()).toBe('');
    expect(await patterns()).toMatchObject({ total_count: 1, branch_policies: [{ name: 'release/*' }] });
    expect((await call('DELETE', `${BASE}/${main.id}`)).status).toBe(404);
  });

  test('answers 303 for a pattern the environment has, and 422 for a body without a name', async () => {
    expect((await call('POST', BASE, { name: 'hotfix' })).status).toBe(200);
    expect((await call('POST', BASE, { name: 'hotfix' })).status).toBe(303);
    const nameless = await call('POST', BASE, { type: 'branch' });
    expect(nameless.status).toBe(422);
    expect(await nameless.json()).toMatchObject({ message: expect.stringContaining('name must be') });
    expect((await call('POST', BASE, { name: 'v*', type: 'ref' })).status).toBe(422);
  });

  test('refuses a pattern for an environment not limited to custom patterns, or one that does not exist', async () => {
    const path = '/repos/acme/payments/environments/dev-v1-cleanup/deployment-branch-policies';
    expect((await call('POST', path, { name: 'main' })).status).toBe(404);
    expect(
      (await call('GET', '/repos/acme/payments/environments/nope/deployment-branch-policies')).status,
    ).toBe(404);
  });

  test('an environment that leaves custom patterns drops them', async () => {
    api.setEnvironment('acme/payments', 'qa', { branchPolicy: 'custom-branch-policies' });
    const path = '/repos/acme/payments/environments/qa/deployment-branch-policies';
    expect((await call('POST', path, { name: 'main' })).status).toBe(200);
    const put = await call('PUT', '/repos/acme/payments/environments/qa', {
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
    });
    expect(put.status).toBe(200);
    expect(await patterns(path)).toEqual({ total_count: 0, branch_policies: [] });
  });

  test('a token that may not administer the repository lists the patterns but may not change them', async () => {
    const other = await GitHubApi.start();
    try {
      other.setEnvironment('acme/payments', 'dev-cutover', { branchPolicy: 'custom-branch-policies' });
      other.denyAdministration('acme/payments');
      const url = `${other.url}${BASE}`;
      const headers = { authorization: `Bearer ${other.token}` };
      expect((await fetch(url, { headers })).status).toBe(200);
      expect((await fetch(url, { method: 'POST', headers, body: '{"name":"main"}' })).status).toBe(403);
    } finally {
      await other.stop();
    }
  });
});
