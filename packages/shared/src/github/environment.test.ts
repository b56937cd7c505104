import { GitHubApi } from '@dbmig/sandbox';
import { readEnvironmentProtection } from './environment.js';

let github: GitHubApi;

beforeAll(async () => {
  github = await GitHubApi.start();
  github.setEnvironment('acme/payments', 'prod-v1-cleanup', {
    reviewers: [
      { type: 'User', login: 'dba-lead' },
      { type: 'Team', login: 'sre-oncall' },
    ],
    preventSelfReview: true,
  });
  github.setEnvironment('acme/payments', 'dev', { waitTimer: 5 });
  github.setEnvironment('acme/payments', 'empty-rule', { reviewers: [] });
  github.setEnvironment('acme/payments', 'team/db', { reviewers: [{ type: 'User', login: 'dba-lead' }] });
  github.deny('acme/locked');
});

afterAll(async () => {
  await github.stop();
});

function source(environment: string, repository = 'acme/payments') {
  return { repository, environment, apiUrl: github.url, token: github.token };
}

describe('readEnvironmentProtection', () => {
  test('names the required reviewers, users by login and teams as team:<slug>', async () => {
    await expect(readEnvironmentProtection(source('prod-v1-cleanup'))).resolves.toEqual({
      state: 'protected',
      reviewers: ['dba-lead', 'team:sre-oncall'],
    });
  });

  test('matches the name case-insensitively and URL-encodes a slash in it', async () => {
    await expect(readEnvironmentProtection(source('PROD-v1-cleanup'))).resolves.toMatchObject({
      state: 'protected',
    });
    await expect(readEnvironmentProtection(source('team/db'))).resolves.toMatchObject({ state: 'protected' });
    expect(github.requests.at(-1)?.path).toBe('/repos/acme/payments/environments/team%2Fdb');
  });

  test('an environment with other rules only, or a reviewers rule naming nobody, is unprotected', async () => {
    await expect(readEnvironmentProtection(source('dev'))).resolves.toEqual({
      state: 'unprotected',
      reason: expect.stringContaining('has no required reviewers'),
    });
    await expect(readEnvironmentProtection(source('empty-rule'))).resolves.toEqual({
      state: 'unprotected',
      reason: expect.stringContaining('names nobody'),
    });
  });

  test('an environment nobody created is missing, with why that matters', async () => {
    await expect(readEnvironmentProtection(source('staging-v1-cleanup'))).resolves.toEqual({
      state: 'missing',
      reason: expect.stringMatching(/404.*no environment staging-v1-cleanup exists.*without reviewers/),
    });
  });

  test('a token without the permission, a wrong token and no token say which permission or step env to add', async () => {
    await expect(readEnvironmentProtection(source('prod', 'acme/locked'))).resolves.toEqual({
      state: 'unreadable',
      reason: expect.stringMatching(/403.*permissions: actions: read/),
    });
    await expect(
      readEnvironmentProtection({ ...source('prod-v1-cleanup'), token: 'not-the-token' }),
    ).resolves.toEqual({ state: 'unreadable', reason: expect.stringMatching(/401.*GITHUB_TOKEN/) });
    const calls = github.requests.length;
    const { token: _token, ...withoutToken } = source('prod-v1-cleanup');
    await expect(readEnvironmentProtection(withoutToken)).resolves.toEqual({
      state: 'unreadable',
      reason: expect.stringContaining('env: GITHUB_TOKEN: ${{ github.token }}'),
    });
    expect(github.requests.length).toBe(calls);
  });

  test('GitHub unreachable is unreadable, not a pass', async () => {
    await expect(
      readEnvironmentProtection({
        ...source('prod-v1-cleanup'),
        apiUrl: 'http://127.0.0.1:9',
        timeoutMs: 2000,
      }),
    ).resolves.toEqual({ state: 'unreadable', reason: expect.stringContaining('could not be reached') });
  });
});
