import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnvironmentProtection } from '@dbmig/shared';
import { GitHubApi, resolveNode } from '@dbmig/sandbox';
import { parse } from 'yaml';

/*
 * The bundled command line (packages/cli/dist/index.js), run with node as a person runs it, against the
 * sandbox's GitHub API over real HTTP. The sandbox's request log proves which calls were made.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const BIN = path.join(root, 'packages/cli/dist/index.js');
const REPOSITORY = 'acme/payments';
const SETUP = [
  'setup-environments',
  '--repo',
  REPOSITORY,
  '--environment',
  'dev',
  '--reviewers',
  'alice,team:dba',
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    // Only what the command reads: no GITHUB_TOKEN of the machine running the tests leaks in.
    execFile(
      resolveNode(),
      [BIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A sandbox with the repository, the user alice and the team dba of acme. */
async function github(): Promise<GitHubApi> {
  const api = await GitHubApi.start();
  api.addRepository(REPOSITORY);
  api.addUser('alice');
  api.addTeam('acme', 'dba');
  return api;
}

async function environment(api: GitHubApi, name: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${api.url}/repos/${REPOSITORY}/environments/${name}`, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  return response.status === 404 ? undefined : ((await response.json()) as Record<string, unknown>);
}

function puts(api: GitHubApi, from = 0): string[] {
  return api.requests.slice(from).flatMap((r) => (r.method === 'PUT' ? [r.path] : []));
}

const GATE_RULES = [
  {
    id: expect.any(Number),
    node_id: expect.any(String),
    type: 'required_reviewers',
    prevent_self_review: true,
    reviewers: [
      { type: 'User', reviewer: expect.objectContaining({ login: 'alice' }) },
      { type: 'Team', reviewer: expect.objectContaining({ slug: 'dba' }) },
    ],
  },
  { id: expect.any(Number), node_id: expect.any(String), type: 'branch_policy' },
];

describe('setup-environments', () => {
  let api: GitHubApi;

  beforeEach(async () => {
    api = await github();
  });

  afterEach(async () => {
    await api.stop();
  });

  test('creates the environments with reviewers; a second run makes no PUT and says nothing changed', async () => {
    const first = await run(SETUP, api.env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      [
        `Environments of ${REPOSITORY}:`,
        '  dev (verify-v2, migrate-data and the parity check): created (no protection rules)',
        '  dev-cutover (the cutover and the rollback): created',
        '    required reviewers: none → alice, team:dba',
        '    prevent self-review: off → on',
        '    deployment branches: any branch → protected branches only',
        '  dev-v1-cleanup (the cleanup of v1): created',
        '    required reviewers: none → alice, team:dba',
        '    prevent self-review: off → on',
        '    deployment branches: any branch → protected branches only',
        '3 of 3 environments changed.',
        '',
      ].join('\n'),
    );
    expect(puts(api)).toEqual([
      `/repos/${REPOSITORY}/environments/dev`,
      `/repos/${REPOSITORY}/environments/dev-cutover`,
      `/repos/${REPOSITORY}/environments/dev-v1-cleanup`,
    ]);
    for (const name of ['dev-cutover', 'dev-v1-cleanup']) {
      expect(await environment(api, name)).toMatchObject({
        name,
        protection_rules: GATE_RULES,
        deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
      });
    }
    expect(await environment(api, 'dev')).toMatchObject({
      protection_rules: [],
      deployment_branch_policy: null,
    });

    // The gate cleanup-v1 reads finds the reviewers the command set.
    expect(
      await readEnvironmentProtection({
        repository: REPOSITORY,
        environment: 'dev-v1-cleanup',
        apiUrl: api.url,
        token: api.token,
      }),
    ).toEqual({ state: 'protected', reviewers: ['alice', 'team:dba'] });

    const seen = api.requests.length;
    const second = await run(SETUP, api.env());
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(
      [
        `Environments of ${REPOSITORY}:`,
        '  dev (verify-v2, migrate-data and the parity check): unchanged',
        '  dev-cutover (the cutover and the rollback): unchanged',
        '  dev-v1-cleanup (the cleanup of v1): unchanged',
        'Nothing changed: every environment already has these rules.',
        '',
      ].join('\n'),
    );
    expect(puts(api, seen)).toEqual([]);
    expect(api.requests.slice(seen).every((r) => r.method === 'GET' && r.status !== 401)).toBe(true);
  });

  test('updates only what differs, printing before → after, and keeps a wait timer it was not given', async () => {
    api.addUser('carol');
    api.setEnvironment(REPOSITORY, 'dev-cutover', {
      reviewers: [{ type: 'User', login: 'carol' }],
      waitTimer: 10,
    });
    api.setEnvironment(REPOSITORY, 'dev-v1-cleanup', {
      reviewers: [
        { type: 'Team', login: 'dba' },
        { type: 'User', login: 'alice' },
      ],
      preventSelfReview: true,
      branchPolicy: 'protected-branches',
    });
    const result = await run([...SETUP, '--gates-only'], api.env());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `Environments of ${REPOSITORY}:`,
        '  dev-cutover (the cutover and the rollback): updated',
        '    required reviewers: carol → alice, team:dba',
        '    prevent self-review: off → on',
        '    deployment branches: any branch → protected branches only',
        '  dev-v1-cleanup (the cleanup of v1): unchanged',
        '1 of 2 environments changed.',
        '',
      ].join('\n'),
    );
    expect(puts(api)).toEqual([`/repos/${REPOSITORY}/environments/dev-cutover`]);
    expect(await environment(api, 'dev-cutover')).toMatchObject({
      protection_rules: [expect.objectContaining({ type: 'wait_timer', wait_timer: 10 }), ...GATE_RULES],
    });
    // --gates-only: the plain environment was neither read nor created.
    expect(api.requests.some((r) => r.path.endsWith('/environments/dev'))).toBe(false);
  });

  test('--wait-timer sets the wait timer of the gated environments', async () => {
    const result = await run([...SETUP, '--wait-timer', '15'], api.env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('    wait timer: none → 15 minutes');
    expect(await environment(api, 'dev-v1-cleanup')).toMatchObject({
      protection_rules: [expect.objectContaining({ type: 'wait_timer', wait_timer: 15 }), ...GATE_RULES],
    });
    expect(await environment(api, 'dev')).toMatchObject({ protection_rules: [] });
  });

  test('--branch-pattern limits the gated environments to those branches, kept in step on later runs', async () => {
    const patterns = async (name: string): Promise<string[]> => {
      const response = await fetch(
        `${api.url}/repos/${REPOSITORY}/environments/${name}/deployment-branch-policies`,
        {
          headers: { authorization: `Bearer ${api.token}` },
        },
      );
      return ((await response.json()) as { branch_policies: Array<{ name: string }> }).branch_policies.map(
        (p) => p.name,
      );
    };
    const first = await run(
      [...SETUP, '--gates-only', '--branch-pattern', 'main', '--branch-pattern', 'release/*'],
      api.env(),
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      [
        '  dev-cutover (the cutover and the rollback): created',
        '    required reviewers: none → alice, team:dba',
        '    prevent self-review: off → on',
        '    deployment branches: any branch → branches matching custom patterns',
        '    branch patterns: none → main, release/*',
      ].join('\n'),
    );
    expect(await environment(api, 'dev-cutover')).toMatchObject({
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    expect(await patterns('dev-cutover')).toEqual(['main', 'release/*']);
    expect(await patterns('dev-v1-cleanup')).toEqual(['main', 'release/*']);

    let seen = api.requests.length;
    const again = await run(
      [...SETUP, '--gates-only', '--branch-pattern', 'release/*', '--branch-pattern', 'main'],
      api.env(),
    );
    expect(again.stdout).toContain('Nothing changed');
    expect(api.requests.slice(seen).filter((r) => r.method !== 'GET')).toEqual([]);

    seen = api.requests.length;
    const moved = await run(
      [...SETUP, '--gates-only', '--branch-pattern', 'main', '--branch-pattern', 'hotfix/*'],
      api.env(),
    );
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain('    branch patterns: main, release/* → main, hotfix/*');
    expect(await patterns('dev-cutover')).toEqual(['main', 'hotfix/*']);
    expect(api.requests.slice(seen).map((r) => r.method)).toEqual(
      expect.arrayContaining(['PUT', 'POST', 'DELETE']),
    );

    // Back to protected branches: GitHub drops the patterns with the custom policy.
    const protectedOnly = await run([...SETUP, '--gates-only'], api.env());
    expect(protectedOnly.stdout).toContain(
      '    deployment branches: branches matching custom patterns → protected branches only',
    );
    expect(await environment(api, 'dev-cutover')).toMatchObject({
      deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
    });
  });

  test('--dry-run prints the same diff and changes nothing', async () => {
    const result = await run([...SETUP, '--dry-run'], api.env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Environments of ${REPOSITORY} (dry run: nothing is changed):`);
    expect(result.stdout).toContain('  dev-cutover (the cutover and the rollback): would be created\n');
    expect(result.stdout).toContain('    required reviewers: none → alice, team:dba\n');
    expect(result.stdout).toContain(
      '3 of 3 environments would change; run again without --dry-run to apply.',
    );
    expect(puts(api)).toEqual([]);
    expect(await environment(api, 'dev-cutover')).toBeUndefined();
  });

  test('GH_TOKEN stands in for GITHUB_TOKEN, and the token is never printed', async () => {
    const result = await run(SETUP, { GITHUB_API_URL: api.url, GH_TOKEN: api.token });
    expect(result.code).toBe(0);
    expect(`${result.stdout}${result.stderr}`).not.toContain(api.token);
    expect(api.requests.every((r) => r.authenticated)).toBe(true);
  });

  test('creates exactly the environments the workflows name for the environment', async () => {
    const named = new Set<string>();
    const dir = path.join(root, '.github/workflows');
    for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const workflow = parse(readFileSync(path.join(dir, file), 'utf8')) as {
        jobs?: Record<string, { environment?: string | { name: string } }>;
      };
      for (const job of Object.values(workflow.jobs ?? {})) {
        const target = typeof job.environment === 'string' ? job.environment : job.environment?.name;
        if (target !== undefined) named.add(target.replace(/\$\{\{\s*inputs\.environment\s*\}\}/g, 'dev'));
      }
    }
    expect(named.size).toBeGreaterThan(0);
    expect((await run(SETUP, api.env())).code).toBe(0);
    const created = puts(api).map((p) => decodeURIComponent(p.split('/').at(-1) ?? ''));
    expect(new Set(created)).toEqual(named);
  });
});

describe('setup-environments refuses', () => {
  let api: GitHubApi;

  beforeAll(async () => {
    api = await github();
  });

  afterAll(async () => {
    await api.stop();
  });

  test.each<[string, string[], RegExp]>([
    ['no command', ['--repo', REPOSITORY], /command: no command given; the command is setup-environments/],
    ['another command', ['migrate'], /command: unknown command 'migrate'/],
    ['an unknown flag', [...SETUP, '--force'], /Unknown option '--force'/],
    ['a flag without its value', ['setup-environments', '--repo'], /--repo <value>' argument missing/],
    ['a missing --repo', SETUP.filter((_, i) => i !== 1 && i !== 2), /--repo: missing; expected owner\/name/],
    [
      'a --repo without its owner',
      ['setup-environments', '--repo', 'payments', ...SETUP.slice(3)],
      /--repo: 'payments' is not a repository; expected owner\/name/,
    ],
    [
      'a missing --environment',
      [...SETUP.slice(0, 3), ...SETUP.slice(5)],
      /--environment: missing; expected the name the workflows are dispatched with/,
    ],
    [
      'a gated name as --environment',
      [...SETUP.slice(0, 4), 'dev-cutover', ...SETUP.slice(5)],
      /--environment: 'dev-cutover' is a gated environment's name; give the environment itself \(--environment dev\)/,
    ],
    [
      'an environment name with a space',
      [...SETUP.slice(0, 4), 'my env', ...SETUP.slice(5)],
      /--environment: 'my env' is not an environment name/,
    ],
    [
      'a missing --reviewers',
      SETUP.slice(0, 5),
      /--reviewers: missing; expected 1 to 6 comma-separated logins or team:<slug>/,
    ],
    [
      'an empty reviewer',
      [...SETUP.slice(0, 6), 'alice,,bob'],
      /--reviewers: '' is not a GitHub login \(an empty entry\)/,
    ],
    ['a malformed login', [...SETUP.slice(0, 6), 'alice_b'], /--reviewers: 'alice_b' is not a GitHub login/],
    ['an empty team', [...SETUP.slice(0, 6), 'team:'], /--reviewers: 'team:' is not a team/],
    [
      'seven reviewers',
      [...SETUP.slice(0, 6), 'a,b,c,d,e,f,g'],
      /--reviewers: 7 reviewers given, GitHub allows at most 6/,
    ],
    ['a reviewer named twice', [...SETUP.slice(0, 6), 'alice,Alice'], /--reviewers: Alice is named twice/],
    [
      'a wait timer that is not minutes',
      [...SETUP, '--wait-timer', '1.5'],
      /--wait-timer: '1.5' is not a number of minutes; expected a whole number from 0 to 43200/,
    ],
    ['a wait timer over 30 days', [...SETUP, '--wait-timer', '43201'], /--wait-timer: '43201'/],
    ['a stray argument', [...SETUP, 'extra'], /unexpected argument 'extra'/],
    [
      'an empty branch pattern',
      [...SETUP, '--branch-pattern', ''],
      /--branch-pattern: '' is not a branch pattern; expected a branch name pattern/,
    ],
    [
      'a branch pattern with a space',
      [...SETUP, '--branch-pattern', 'my branch'],
      /--branch-pattern: 'my branch' is not a branch pattern/,
    ],
    [
      'a branch pattern given twice',
      [...SETUP, '--branch-pattern', 'main', '--branch-pattern', 'main'],
      /--branch-pattern: 'main' is given twice/,
    ],
  ])('%s: exit 2, naming the flag, with nothing sent to GitHub', async (_what, args, message) => {
    const seen = api.requests.length;
    const result = await run(args, api.env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(api.requests.length).toBe(seen);
  });

  test('no token: exit 2, naming GITHUB_TOKEN, with nothing sent', async () => {
    const seen = api.requests.length;
    const result = await run(SETUP, { GITHUB_API_URL: api.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/GITHUB_TOKEN: not set; set GITHUB_TOKEN \(or GH_TOKEN\)/);
    expect(api.requests.length).toBe(seen);
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await run(['--help'], api.env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: db-migration-toolkit setup-environments --repo <owner/name>');
  });
});

describe("setup-environments turns GitHub's refusals into what to do, and changes nothing", () => {
  let api: GitHubApi;

  beforeEach(async () => {
    api = await github();
  });

  afterEach(async () => {
    await api.stop();
  });

  async function refused(args: string[], env: Record<string, string> = api.env()): Promise<string> {
    const result = await run(args, env);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain(api.token);
    expect(api.requests.filter((r) => r.method === 'PUT' && r.status === 200)).toEqual([]);
    return result.stderr;
  }

  test("a workflow's GITHUB_TOKEN (403 on the PUT) is told which token can administer environments", async () => {
    api.denyAdministration(REPOSITORY);
    const stderr = await refused(SETUP);
    expect(stderr).toContain(
      `GitHub answered 403 (Resource not accessible by integration) while creating environment dev of ${REPOSITORY}: ` +
        `the token may not change the environments of ${REPOSITORY}. A workflow's own GITHUB_TOKEN cannot administer environments`,
    );
    expect(stderr).toContain('"Administration: Read and write"');
    expect(puts(api)).toEqual([`/repos/${REPOSITORY}/environments/dev`]);
    expect(await environment(api, 'dev')).toBeUndefined();
  });

  test('a wrong token (401)', async () => {
    const stderr = await refused(SETUP, { GITHUB_API_URL: api.url, GITHUB_TOKEN: 'ghp_wrong' });
    expect(stderr).toContain(
      `GitHub answered 401 (Bad credentials) while reading the repository ${REPOSITORY} (--repo): the token was not accepted`,
    );
    expect(stderr).not.toContain('ghp_wrong');
  });

  test('an unknown repository (404)', async () => {
    const stderr = await refused(['setup-environments', '--repo', 'acme/paymnets', ...SETUP.slice(3)]);
    expect(stderr).toContain(
      'GitHub answered 404 (Not Found) while reading the repository acme/paymnets (--repo): no repository acme/paymnets exists that the token can see; check --repo',
    );
    expect(api.requests).toHaveLength(1);
  });

  test('an unknown user (404), before any environment is read', async () => {
    const stderr = await refused([...SETUP.slice(0, 6), 'alice,bob']);
    expect(stderr).toContain(
      'while looking up the user bob (--reviewers): GitHub has no user bob; check the login in --reviewers.',
    );
    expect(api.requests.some((r) => r.path.includes('/environments/'))).toBe(false);
  });

  test('an unknown team (404)', async () => {
    const stderr = await refused([...SETUP.slice(0, 6), 'alice,team:sre']);
    expect(stderr).toContain(
      'while looking up the team sre of acme (--reviewers): the organization acme has no team sre the token can see',
    );
  });

  test('a private repository whose plan has no required reviewers (422)', async () => {
    api.gatePlan(REPOSITORY);
    const result = await run(SETUP, api.env());
    expect(result.code).toBe(1);
    // The plain environment needs no rule and was created; the gated ones were refused.
    expect(result.stdout).toContain(
      '  dev (verify-v2, migrate-data and the parity check): created (no protection rules)',
    );
    expect(result.stdout).toContain('1 of 1 environments changed.');
    expect(result.stderr).toContain(
      `GitHub answered 422 (Failed to create the environment protection rule) while creating environment dev-cutover of ${REPOSITORY}: GitHub refused the rules.`,
    );
    expect(result.stderr).toContain('required reviewers and wait timers exist only for public repositories');
    expect(await environment(api, 'dev-cutover')).toBeUndefined();
  });

  test('GitHub out of reach', async () => {
    const closed = await GitHubApi.start();
    const url = closed.url;
    await closed.stop();
    const stderr = await refused(SETUP, { GITHUB_API_URL: url, GITHUB_TOKEN: api.token });
    expect(stderr).toContain(
      `GitHub could not be reached at ${url} (ECONNREFUSED) while reading the repository ${REPOSITORY} (--repo)`,
    );
  });
});
