import { readRunContext, runToken } from './run-context.js';

const ACTIONS = {
  GITHUB_RUN_ID: '1658821493',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/payments',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'db-migration',
};
const NOW = new Date('2026-03-01T09:08:07.654Z');

describe('readRunContext', () => {
  it('reads the run, its attempt, its URL, the actor and the workflow from the runner variables', () => {
    expect(readRunContext(ACTIONS)).toMatchObject({
      runId: '1658821493',
      attempt: 2,
      runUrl: 'https://github.com/acme/payments/actions/runs/1658821493',
      actor: 'octocat',
      workflow: 'db-migration',
      repository: 'acme/payments',
    });
  });

  it('builds the URL on a GitHub Enterprise server, without a doubled slash', () => {
    const run = readRunContext({ ...ACTIONS, GITHUB_SERVER_URL: 'https://ghe.example.com/' });
    expect(run.runUrl).toBe('https://ghe.example.com/acme/payments/actions/runs/1658821493');
  });

  it('knows nothing outside Actions', () => {
    const run = readRunContext({});
    expect(run.runId).toBeUndefined();
    expect(run.attempt).toBeUndefined();
    expect(run.runUrl).toBeUndefined();
    expect(run.actor).toBeUndefined();
  });

  it('ignores values the runner never sets (a run id that is not a number, attempt 0)', () => {
    const run = readRunContext({ ...ACTIONS, GITHUB_RUN_ID: '12; rm -rf /', GITHUB_RUN_ATTEMPT: '0' });
    expect(run.runId).toBeUndefined();
    expect(run.runUrl).toBeUndefined();
    expect(readRunContext({ ...ACTIONS, GITHUB_RUN_ATTEMPT: '0' }).attempt).toBe(1);
  });
});

describe('runToken', () => {
  it('is r<run id>-<attempt> in Actions: the same on a re-run of one attempt, new for a new attempt', () => {
    expect(runToken(readRunContext(ACTIONS), NOW)).toBe('r1658821493-2');
    expect(runToken(readRunContext(ACTIONS), new Date(0))).toBe('r1658821493-2');
    expect(runToken(readRunContext({ ...ACTIONS, GITHUB_RUN_ATTEMPT: '3' }), NOW)).toBe('r1658821493-3');
  });

  it('falls back to a UTC timestamp and a random suffix outside Actions, fixed per context', () => {
    const run = readRunContext({});
    const token = runToken(run, NOW);
    expect(token).toMatch(/^t20260301090807-[0-9a-f]{6}$/);
    expect(runToken(run, NOW)).toBe(token);
    // Two processes started in the same second still differ (by their suffix), almost surely.
    const others = new Set(Array.from({ length: 20 }, () => runToken(readRunContext({}), NOW)));
    expect(others.size).toBeGreaterThan(15);
  });

  it('uses only characters valid in RDS identifiers and DynamoDB backup names, starting with a letter', () => {
    for (const token of [runToken(readRunContext(ACTIONS), NOW), runToken(readRunContext({}), NOW)]) {
      expect(token).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(token).not.toContain('--');
    }
  });
});
