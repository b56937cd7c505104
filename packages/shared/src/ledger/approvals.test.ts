import { GitHubApi, freePort } from '@dbmig/sandbox';
import { readRunContext } from '../github/run-context.js';
import { approvalsSourceFromEnv, readApprovals } from './approvals.js';
import { actionsRun } from './ledger.fixture.js';

let github: GitHubApi;

beforeAll(async () => {
  github = await GitHubApi.start();
  github.setApprovals('acme/payments', 9001, [
    { state: 'rejected', login: 'auditor', environments: ['prod-cutover'], comment: 'not in the window' },
    { state: 'approved', login: 'dba-lead', environments: ['prod-cutover'] },
  ]);
  github.deny('acme/locked');
});

afterAll(async () => {
  await github.stop();
});

describe('readApprovals', () => {
  test("returns every review of the run's environment gate, in GitHub's order", async () => {
    const approvers = await readApprovals(approvalsSourceFromEnv(actionsRun('9001'), github.env()));
    expect(approvers).toEqual({
      known: true,
      reviews: [
        { login: 'auditor', state: 'rejected', environments: ['prod-cutover'], comment: 'not in the window' },
        { login: 'dba-lead', state: 'approved', environments: ['prod-cutover'] },
      ],
    });
    expect(github.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: '/repos/acme/payments/actions/runs/9001/approvals',
      status: 200,
      authenticated: true,
    });
  });

  test('outside Actions, and without a token, the approvers are unknown with the reason, and GitHub is not called', async () => {
    const calls = github.requests.length;
    const outside = await readApprovals(approvalsSourceFromEnv(readRunContext({}), github.env()));
    expect(outside).toEqual({
      known: false,
      reason: expect.stringContaining('not running in GitHub Actions'),
    });
    const withoutToken = await readApprovals(
      approvalsSourceFromEnv(actionsRun('9001'), { GITHUB_API_URL: github.url }),
    );
    expect(withoutToken).toEqual({
      known: false,
      reason: expect.stringMatching(
        /no GitHub token .*GITHUB_TOKEN: \$\{\{ github\.token \}\}.*actions: read/,
      ),
    });
    expect(github.requests.length).toBe(calls);
  });

  test.each([
    [
      'a 403 (token without actions: read)',
      'acme/locked',
      '9001',
      undefined,
      /answered 403: Resource not accessible by integration .*permissions: actions: read/,
    ],
    [
      'a 401 (token refused)',
      'acme/payments',
      '9001',
      'ghs_wrong',
      /answered 401: Bad credentials .*token was refused/,
    ],
    [
      'a 404 (run not visible)',
      'acme/payments',
      '1234',
      undefined,
      /answered 404: Not Found .*run 1234 of acme\/payments/,
    ],
  ])('%s is unknown with the reason, never the token', async (_, repository, runId, token, reason) => {
    const run = { ...actionsRun(runId), repository };
    const env = { ...github.env(), ...(token ? { GITHUB_TOKEN: token } : {}) };
    const approvers = await readApprovals(approvalsSourceFromEnv(run, env));
    expect(approvers).toEqual({ known: false, reason: expect.stringMatching(reason) });
    expect(JSON.stringify(approvers)).not.toContain(github.token);
  });

  test('GitHub out of reach is unknown, not a crash', async () => {
    const port = await freePort();
    const approvers = await readApprovals({
      run: actionsRun('9001'),
      apiUrl: `http://127.0.0.1:${port}`,
      token: github.token,
    });
    expect(approvers).toEqual({
      known: false,
      reason: expect.stringMatching(
        new RegExp(`could not be reached at http://127.0.0.1:${port} \\(ECONNREFUSED\\)`),
      ),
    });
  });
});
