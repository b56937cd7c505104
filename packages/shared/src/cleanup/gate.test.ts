import { GitHubApi } from '@dbmig/sandbox';
import { readRunContext } from '../github/run-context.js';
import { actionsRun } from '../ledger/ledger.fixture.js';
import { jobGate } from './gate.js';

let github: GitHubApi;

beforeAll(async () => {
  github = await GitHubApi.start();
  github.setEnvironment('acme/payments', 'prod-v1-cleanup', {
    reviewers: [
      { type: 'User', login: 'dba-lead' },
      { type: 'Team', login: 'sre-oncall' },
    ],
  });
});

afterAll(async () => {
  await github.stop();
});

describe('jobGate', () => {
  test('outside Actions there is no gate to read, and GitHub is not called', async () => {
    const calls = github.requests.length;
    await expect(jobGate('prod-v1-cleanup', readRunContext({}), github.env())).resolves.toEqual({
      inActions: false,
    });
    expect(github.requests.length).toBe(calls);
  });

  test("in Actions it reads the environment's protection and this run's approvals together", async () => {
    github.setApprovals('acme/payments', 7001, [
      { state: 'approved', login: 'dba-lead', environments: ['prod-v1-cleanup'] },
    ]);
    const gate = await jobGate('prod-v1-cleanup', actionsRun('7001'), {
      ...github.env(),
      GITHUB_ACTIONS: 'true',
    });
    expect(gate).toEqual({
      inActions: true,
      environment: 'prod-v1-cleanup',
      protection: { state: 'protected', reviewers: ['dba-lead', 'team:sre-oncall'] },
      approvers: {
        known: true,
        reviews: [{ login: 'dba-lead', state: 'approved', environments: ['prod-v1-cleanup'] }],
      },
    });
  });
});
