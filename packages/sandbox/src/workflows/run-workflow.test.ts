import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitHubApi } from '../github/index.js';
import { HARNESS_REPOSITORY, repositoryRoot } from '../harness/index.js';
import { WorkflowFileError, WorkflowInputError } from './errors.js';
import { WorkflowRunner, type WorkflowRunnerOptions } from './run-workflow.js';

const CHECKOUT = 'actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803';
const CREDENTIALS = 'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c';
const ROLE = 'arn:aws:iam::123456789012:role/db-migration-dev';
/** What configure-aws-credentials' stand-in exports: no sandbox is needed by these workflows. */
const AWS = (region: string): Record<string, string> => ({
  AWS_REGION: region,
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
});

let github: GitHubApi;
let dir: string;
let lines: string[];

beforeAll(async () => {
  github = await GitHubApi.start();
  dir = await mkdtemp(path.join(os.tmpdir(), 'dbmig-workflows-test-'));
});

afterAll(async () => {
  await github.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  lines = [];
});

function runner(options: Partial<WorkflowRunnerOptions> = {}): WorkflowRunner {
  return new WorkflowRunner({ github, aws: AWS, log: (line) => lines.push(line), ...options });
}

async function workflow(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

const DISPATCH = `
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [dev, staging]
        required: true
      flag:
        type: boolean
        default: false
      text:
        type: string
        default: '{}'
permissions: {}
`;

describe('WorkflowRunner', () => {
  test('runs jobs in needs order, passes outputs through needs, skips by if: and after a failure', async () => {
    const file = await workflow(
      'order.yml',
      `${DISPATCH}
env:
  WHERE: \${{ inputs.environment }}
jobs:
  last:
    needs: middle
    runs-on: ubuntu-latest
    steps:
      - env:
          GOT: \${{ needs.middle.outputs.joined }}
        run: echo "last got $GOT"
  middle:
    needs: first
    runs-on: ubuntu-latest
    env:
      SEPARATOR: '-'
    outputs:
      joined: \${{ steps.join.outputs.value }}
    steps:
      - id: join
        env:
          FROM_FIRST: \${{ needs.first.outputs.word }}
        run: echo "value=$FROM_FIRST$SEPARATOR$WHERE" >> "$GITHUB_OUTPUT"
      - continue-on-error: true
        run: exit 1
  first:
    runs-on: ubuntu-latest
    outputs:
      word: \${{ steps.say.outputs.word }}
    steps:
      - id: say
        run: echo "word=hello" >> "$GITHUB_OUTPUT"
      - if: inputs.flag
        run: echo never
  only-with-flag:
    if: inputs.flag
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  breaks:
    needs: first
    runs-on: ubuntu-latest
    steps:
      - run: exit 3
      - run: echo not after a failure
      - if: failure()
        run: echo "after the failure"
  after-breaks:
    needs: breaks
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  report:
    needs: breaks
    if: always() && needs.breaks.result == 'failure'
    runs-on: ubuntu-latest
    steps:
      - run: echo "report on $WHERE"
`,
    );
    const run = await runner().dispatch(file, { environment: 'staging' });
    const jobs = run.jobs;
    expect(Object.keys(jobs)).toEqual([
      'first',
      'middle',
      'last',
      'only-with-flag',
      'breaks',
      'after-breaks',
      'report',
    ]);
    expect(jobs['middle']?.outputs).toEqual({ joined: 'hello-staging' });
    // A step allowed to fail: its outcome is failure, its conclusion success, and the job goes on.
    expect(jobs['middle']?.steps.map((s) => [s.outcome, s.conclusion])).toEqual([
      ['success', 'success'],
      ['failure', 'success'],
    ]);
    expect(jobs['middle']?.result).toBe('success');
    expect(lines).toContain('      | last got hello-staging');
    expect(jobs['first']?.steps.map((s) => s.outcome)).toEqual(['success', 'skipped']);
    expect(jobs['only-with-flag']?.result).toBe('skipped');
    expect(jobs['breaks']?.result).toBe('failure');
    expect(jobs['breaks']?.steps.map((s) => s.outcome)).toEqual(['failure', 'skipped', 'success']);
    expect(lines).toContain('      | after the failure');
    expect(jobs['after-breaks']?.result).toBe('skipped');
    expect(jobs['report']?.result).toBe('success');
    expect(lines).toContain('      | report on staging');
    expect(run.conclusion).toBe('failure');
    expect(run.errors).toEqual([expect.stringMatching(/order\.yml: job breaks, step 1 .*exited 3/)]);
  });

  test('an expression that fails to evaluate fails its step, naming the job, the step and the expression', async () => {
    const file = await workflow(
      'expression.yml',
      `${DISPATCH}
jobs:
  parse:
    runs-on: ubuntu-latest
    steps:
      - env:
          VALUE: \${{ fromJSON(inputs.text).a }}
        run: echo "$VALUE"
`,
    );
    const ok = await runner().dispatch(file, { environment: 'dev', text: '{"a": "fine"}' });
    expect(ok.conclusion).toBe('success');
    expect(lines).toContain('      | fine');
    const bad = await runner().dispatch(file, { environment: 'dev', text: '{not json' });
    expect(bad.conclusion).toBe('failure');
    expect(bad.errors[0]).toMatch(/expression\.yml: job parse, step 1 .*env.*fromJSON\(inputs\.text\)\.a/);
  });

  test('an action it has no stand-in for fails the run loudly', async () => {
    const file = await workflow(
      'unknown-uses.yml',
      `${DISPATCH}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/deploy-everything@0123456789abcdef0123456789abcdef01234567
      - run: echo never
`,
    );
    const run = await runner().dispatch(file, { environment: 'dev' });
    expect(run.conclusion).toBe('failure');
    expect(run.errors[0]).toMatch(/job deploy, step 1 .*someone\/deploy-everything@.*no stand-in/);
    expect(run.jobs['deploy']?.steps[1]?.outcome).toBe('skipped');
  });

  test('a workflow GitHub would reject fails with the parser’s errors before anything runs', async () => {
    const both = await workflow(
      'broken.yml',
      `${DISPATCH}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
        run: echo both
`,
    );
    const unknownNeed = await workflow(
      'unknown-need.yml',
      `${DISPATCH}
jobs:
  a:
    runs-on: ubuntu-latest
    needs: nowhere
    steps:
      - run: echo a
  b:
    runs-on: ubuntu-latest
    steps:
      - run: echo b
`,
    );
    for (const [file, error] of [
      [both, /broken\.yml \(Line: \d+, Col: \d+\): Unexpected value 'run'/],
      [unknownNeed, /nowhere/],
    ] as const) {
      const thrown = await runner()
        .dispatch(file, { environment: 'dev' })
        .catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(WorkflowFileError);
      expect((thrown as WorkflowFileError).message).toMatch(/is not a valid workflow/);
      expect((thrown as WorkflowFileError).errors).toEqual([expect.stringMatching(error)]);
    }
    expect(lines).toEqual([]);
  });

  test('a dispatch is checked against on.workflow_dispatch.inputs', async () => {
    const file = await workflow(
      'inputs.yml',
      `${DISPATCH}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n`,
    );
    const refusal = (inputs: Record<string, string | boolean>): Promise<unknown> =>
      runner()
        .dispatch(file, inputs)
        .then(
          () => 'ran',
          (e: unknown) => e,
        );
    expect(await refusal({})).toBeInstanceOf(WorkflowInputError);
    expect(String(await refusal({}))).toMatch(/input "environment" is required/);
    expect(String(await refusal({ environment: 'prod' }))).toMatch(
      /"environment" must be one of dev, staging, not "prod"/,
    );
    expect(String(await refusal({ environment: 'dev', colour: 'red' }))).toMatch(/unknown input "colour"/);
    expect(String(await refusal({ environment: 'dev', flag: 'yes' }))).toMatch(/"flag" is a boolean/);
    expect(await refusal({ environment: 'dev', flag: true })).not.toBeInstanceOf(Error);
  });

  test('a gated job is approved in the sandbox’s GitHub, gets its environment’s vars, and the credentials check the role', async () => {
    const file = await workflow(
      'gated.yml',
      `${DISPATCH}
jobs:
  gated:
    runs-on: ubuntu-latest
    environment: \${{ inputs.environment }}-cutover
    concurrency:
      group: db-migration-\${{ inputs.environment }}
      cancel-in-progress: false
    steps:
      - uses: ${CREDENTIALS}
        with:
          role-to-assume: \${{ vars.DB_MIGRATION_ROLE_ARN }}
          aws-region: us-east-2
      - run: echo "region $AWS_REGION run $GITHUB_RUN_ID"
`,
    );
    const gated = runner({
      environments: { 'dev-cutover': { reviewers: ['dba-lead'], vars: { DB_MIGRATION_ROLE_ARN: ROLE } } },
    });
    const run = await gated.dispatch(file, { environment: 'dev' });
    expect(run.conclusion).toBe('success');
    expect(run.jobs['gated']).toMatchObject({ environment: 'dev-cutover', concurrency: 'db-migration-dev' });
    expect(lines).toContain(`      | region us-east-2 run ${run.runId}`);
    const response = await fetch(
      `${github.url}/repos/${HARNESS_REPOSITORY}/actions/runs/${run.runId}/approvals`,
      {
        headers: { authorization: `Bearer ${github.token}` },
      },
    );
    const approvals = (await response.json()) as {
      state: string;
      user: { login: string };
      environments: { name: string }[];
    }[];
    expect(approvals.map((a) => [a.state, a.user.login, a.environments.map((e) => e.name)])).toEqual([
      ['approved', 'dba-lead', ['dev-cutover']],
    ]);

    // The same job for an environment whose variable is not set: the credentials step refuses.
    const unset = await runner({ environments: {} }).dispatch(file, { environment: 'staging' });
    expect(unset.conclusion).toBe('failure');
    expect(unset.errors[0]).toMatch(
      /job gated, step 1 .*role-to-assume evaluated to an empty string.*DB_MIGRATION_ROLE_ARN/,
    );
  });

  test('a toolkit action given an input it does not declare, or missing a required one, fails naming both', async () => {
    const file = await workflow(
      'toolkit.yml',
      `${DISPATCH}
jobs:
  verify:
    runs-on: ubuntu-latest
    steps:
      - uses: ${CHECKOUT}
        with:
          path: toolkit
          persist-credentials: false
      - uses: ./toolkit/actions/verify-v2
        with:
          check: health
`,
    );
    const run = await runner().dispatch(file, { environment: 'dev' });
    expect(run.conclusion).toBe('failure');
    expect(run.errors[0]).toMatch(
      /toolkit\.yml: job verify, step 2 \(\.\/toolkit\/actions\/verify-v2\): with\.environment: required/,
    );
  });

  test('a pull_request runs each matrix leg asked for, with its matrix context and its own concurrency group', async () => {
    const file = await workflow(
      'preview.yml',
      `on:
  pull_request:
permissions: {}
jobs:
  preview:
    name: 'Preview (\${{ matrix.environment }})'
    if: github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-latest
    strategy:
      matrix:
        environment: [dev, staging, prod]
    concurrency:
      group: preview-\${{ github.event.pull_request.number }}-\${{ matrix.environment }}
    outputs:
      seen: \${{ steps.say.outputs.seen }}
    steps:
      - id: say
        env:
          ENVIRONMENT: \${{ matrix.environment }}
        run: echo "seen=$ENVIRONMENT on $GITHUB_EVENT_NAME" >> "$GITHUB_OUTPUT"
`,
    );
    const all = await runner().pullRequest(file, { number: 7, headRef: 'feature' });
    expect(all.conclusion).toBe('success');
    expect(all.jobs['preview']?.legs?.map((l) => [l.name, l.concurrency, l.outputs['seen']])).toEqual([
      ['Preview (dev)', 'preview-7-dev', 'dev on pull_request'],
      ['Preview (staging)', 'preview-7-staging', 'staging on pull_request'],
      ['Preview (prod)', 'preview-7-prod', 'prod on pull_request'],
    ]);
    const dev = await runner().pullRequest(
      file,
      { number: 7, headRef: 'feature' },
      { matrix: { environment: 'dev' } },
    );
    expect(dev.jobs['preview']?.legs?.map((l) => l.name)).toEqual(['Preview (dev)']);
    expect(dev.jobs['preview']?.outputs).toEqual({ seen: 'dev on pull_request' });
    // Not a dispatchable workflow, and a dispatch-only one is not run by a pull request.
    await expect(runner().dispatch(file)).rejects.toThrow(/has no on.workflow_dispatch/);
    await expect(
      runner().pullRequest(
        await workflow(
          'only-dispatch.yml',
          `${DISPATCH}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n`,
        ),
        { number: 1, headRef: 'x' },
      ),
    ).rejects.toThrow(/has no on.pull_request/);
  });

  test.each([
    [
      'a stand-in given an input its action does not declare',
      `- uses: ${CHECKOUT}\n        with:\n          persist-credential: false`,
      /with\.persist-credential: actions\/checkout declares no input "persist-credential"/,
    ],
    [
      'a checkout of another repository',
      `- uses: ${CHECKOUT}\n        with:\n          repository: someone/else`,
      /actions\/checkout of "someone\/else": only this repository \(example-org\/payments-platform\)/,
    ],
    [
      'a checkout path outside the workspace',
      `- uses: ${CHECKOUT}\n        with:\n          path: ../elsewhere`,
      /actions\/checkout path "\.\.\/elsewhere" leaves the workspace/,
    ],
    [
      'a role that is not an IAM role ARN',
      `- uses: ${CREDENTIALS}\n        with:\n          role-to-assume: db-migration-dev\n          aws-region: us-east-1`,
      /role-to-assume "db-migration-dev" is not an IAM role ARN/,
    ],
    [
      'a Region that is not one',
      `- uses: ${CREDENTIALS}\n        with:\n          role-to-assume: ${ROLE}\n          aws-region: virginia`,
      /aws-region "virginia" is not a Region/,
    ],
    [
      'long-lived keys',
      `- uses: ${CREDENTIALS}\n        with:\n          role-to-assume: ${ROLE}\n          aws-region: us-east-1\n          aws-access-key-id: AKIAEXAMPLE`,
      /aws-access-key-id is set: the workflows assume a role over OIDC/,
    ],
    [
      'an artifact with no files when that is an error',
      `- uses: actions/upload-artifact@0123456789abcdef0123456789abcdef01234567\n        with:\n          name: plan\n          path: plan.txt\n          if-no-files-found: error`,
      /upload-artifact found no files at plan\.txt/,
    ],
    [
      'a local action that is not in the workspace',
      `- uses: ./actions/verify-v2\n        with:\n          environment: dev`,
      /uses: \.\/actions\/verify-v2: no action at that path of the workspace/,
    ],
    ['a container action', `- uses: docker://alpine:3`, /container actions are not run here/],
  ])('%s fails its step, naming it', async (_what, step, refusal) => {
    const file = await workflow(
      'refused-step.yml',
      `${DISPATCH}\njobs:\n  only:\n    runs-on: ubuntu-latest\n    steps:\n      ${step}\n`,
    );
    const run = await runner().dispatch(file, { environment: 'dev' });
    expect(run.conclusion).toBe('failure');
    expect(run.errors).toEqual([expect.stringMatching(/refused-step\.yml: job only, step 1 /)]);
    expect(run.errors[0]).toMatch(refusal);
  });

  test('an artifact is copied out of the workspace, and setup-node stands in', async () => {
    const file = await workflow(
      'artifact.yml',
      `${DISPATCH}
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@0123456789abcdef0123456789abcdef01234567
        with:
          node-version: 24
      - run: echo "the plan" > plan.txt
      - uses: actions/upload-artifact@0123456789abcdef0123456789abcdef01234567
        with:
          name: plan
          path: plan.txt
`,
    );
    const run = await runner().dispatch(file, { environment: 'dev' });
    expect(run.conclusion).toBe('success');
    expect(lines).toContainEqual(expect.stringMatching(/artifact plan: 1 path\(s\) kept in /));
  });

  test('a job calling a reusable workflow is refused: the runner does not run them', async () => {
    const file = await workflow(
      'reusable.yml',
      `${DISPATCH}\njobs:\n  call:\n    uses: example-org/other/.github/workflows/x.yml@0123456789abcdef0123456789abcdef01234567\n`,
    );
    await expect(runner().dispatch(file, { environment: 'dev' })).rejects.toThrow(
      /job call calls a reusable workflow, which this runner does not run/,
    );
  });

  test('an expression that uses an unknown function is refused with the file, before anything runs', async () => {
    const file = await workflow(
      'unknown-function.yml',
      `${DISPATCH}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          X: \${{ nosuch(inputs.text) }}\n        run: echo "$X"\n`,
    );
    const thrown = await runner()
      .dispatch(file, { environment: 'dev' })
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(WorkflowFileError);
    expect((thrown as WorkflowFileError).errors).toEqual([
      expect.stringMatching(/unknown-function\.yml \(Line: \d+, Col: \d+\): Unrecognized function: 'nosuch'/),
    ]);
    expect(lines.some((l) => l.includes('| '))).toBe(false);
  });

  test('a failed matrix leg cancels the legs after it unless fail-fast is false', async () => {
    const text = (failFast: string): string => `${DISPATCH}
jobs:
  legs:
    runs-on: ubuntu-latest
    strategy:
      ${failFast}
      matrix:
        environment: [dev, staging, prod]
    steps:
      - env:
          AT: \${{ strategy.job-index }}/\${{ strategy.job-total }}
        run: echo "leg $AT"; test "$AT" != 1/3
`;
    const fast = await runner().dispatch(await workflow('fail-fast.yml', text('')), { environment: 'dev' });
    expect(fast.jobs['legs']?.legs?.map((l) => [l.name, l.result])).toEqual([
      ['legs (dev)', 'success'],
      ['legs (staging)', 'failure'],
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/legs \(prod\): cancelled \(fail-fast/));
    expect(fast.jobs['legs']?.result).toBe('failure');
    const all = await runner().dispatch(await workflow('no-fail-fast.yml', text('fail-fast: false')), {
      environment: 'dev',
    });
    expect(all.jobs['legs']?.legs?.map((l) => l.result)).toEqual(['success', 'failure', 'success']);
    expect(lines).toContain('      | leg 2/3');
  });

  test('the real migrate.yml with one with: input renamed fails the run, naming the file, job, step and input', async () => {
    const copy = path.join(dir, 'renamed', 'migrate.yml');
    await mkdir(path.dirname(copy), { recursive: true });
    await copyFile(path.join(repositoryRoot(), '.github/workflows/migrate.yml'), copy);
    const text = await readFile(copy, 'utf8');
    expect(text.match(/^ {10}expect-empty:/gm)).toHaveLength(1);
    await writeFile(copy, text.replace(/^( {10})expect-empty:/m, '$1expect-emtpy:'));
    const run = await runner({
      environments: { dev: { vars: { DB_MIGRATION_ROLE_ARN: ROLE } } },
    }).dispatch(copy, { environment: 'dev' });
    expect(run.conclusion).toBe('failure');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(
      /migrate\.yml: job verify-v2, step 4 \(\.\/\.db-migration-toolkit\/actions\/verify-v2\): with\.expect-emtpy: .* declares no input "expect-emtpy"/,
    );
    // Nothing after it runs: the jobs that need it are skipped.
    expect(Object.values(run.jobs).map((j) => [j.id, j.result])).toEqual([
      ['verify-v2', 'failure'],
      ['migrate-data', 'skipped'],
      ['parity', 'skipped'],
      ['cutover', 'skipped'],
    ]);
  });
});
