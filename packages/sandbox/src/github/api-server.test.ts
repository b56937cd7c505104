import { acceptsConnections } from '../test-support.js';
import { GitHubApi } from './api-server.js';

let api: GitHubApi;

beforeAll(async () => {
  api = await GitHubApi.start();
  api.setApprovals('acme/payments', 42, [
    { state: 'approved', login: 'alice', environments: ['dev-cutover'], comment: 'go' },
  ]);
  api.deny('acme/locked');
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

  test('stops listening when stopped', async () => {
    const other = await GitHubApi.start({ token: 't' });
    const port = Number(new URL(other.url).port);
    expect(await acceptsConnections(port)).toBe(true);
    await other.stop();
    expect(await acceptsConnections(port)).toBe(false);
  });
});
