import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./run-action.fixture.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Parse $GITHUB_OUTPUT as the runner does: `name<<DELIM` … `DELIM` blocks, or `name=value` lines. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!);
      outputs[name!] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

/** Run the fixture action with `inputs` as INPUT_* variables and the runner's files, like the runner does. */
async function runFixture(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'dbmig-action-'));
  try {
    const outputFile = join(dir, 'output');
    const summaryFile = join(dir, 'summary');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const childEnv: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: dir,
      ...env,
    };
    for (const [name, value] of Object.entries(inputs))
      childEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        tsx,
        [fixture],
        { env: childEnv, encoding: 'utf8', timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
    return {
      ...result,
      outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The secret may appear in the log only where it is handed to the runner to mask. */
function expectOnlyInMaskLines(run: Run, secret: string): void {
  const leaking = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((line) => line.includes(secret) && !line.startsWith('::add-mask::'));
  expect(leaking).toEqual([]);
  expect(JSON.stringify(run.outputs)).not.toContain(secret);
  expect(run.summary).not.toContain(secret);
}

const errorLines = (run: Run): string[] =>
  run.stdout.split('\n').filter((line) => line.startsWith('::error'));

describe('runAction in a child process', () => {
  const password = 'hunter2-Pa55word';

  it('reads inputs, masks the secret, and writes outputs and the summary', async () => {
    const run = await runFixture({ environment: 'dev', password, count: '3', verbose: 'TRUE', mode: 'OK' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${password}`);
    expect(run.outputs['count']).toBe('3');
    expect(run.outputs['verbose']).toBe('true');
    expect(run.outputs['echo']).toBe('password=***');
    expect(JSON.parse(run.outputs['report']!)).toEqual({
      title: 'fixture for dev',
      healthy: true,
      checks: [
        { id: 'secret', title: 'Secret read', region: 'us-east-1', status: 'pass', detail: 'got *** | ok' },
      ],
    });
    expect(run.summary).toContain(
      '<td>✅ Pass</td><td>Secret read</td><td>us-east-1</td><td>—</td><td>got *** | ok</td>',
    );
    expect(run.stdout).toContain('connecting as dbadmin with ***');
    expect(errorLines(run)).toEqual([]);
    expectOnlyInMaskLines(run, password);
  });

  it('masks each line of a multi-line secret and the credential fields of a JSON secret', async () => {
    const json = JSON.stringify({ username: 'dbadmin', password, port: 5432 });
    const run = await runFixture({ environment: 'dev', password: json });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${password}`);
    // The password field is masked on its own; the user name stays readable in messages.
    expect(run.stdout).not.toContain('::add-mask::dbadmin');
    expect(run.stdout).toContain('connecting as dbadmin');
    expectOnlyInMaskLines(run, password);

    const multi = await runFixture({ environment: 'dev', password: `first-line-secret\n${password}` });
    expect(multi.code).toBe(0);
    expect(multi.stdout).toContain('::add-mask::first-line-secret\n');
    expectOnlyInMaskLines(multi, password);
    expectOnlyInMaskLines(multi, 'first-line-secret');
  });

  it('fails with the input name and expected form for a bad input, without a stack', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [
        {},
        "::error::Input 'environment': is required but was not set; add `environment: <value>` under `with:` in the workflow step.",
      ],
      [{ environment: 'Prod' }, "::error::Input 'environment': must be a lowercase letter followed by"],
      [
        { environment: 'dev', count: '-2' },
        "::error::Input 'count': must be a whole number from 0 to 10; got '-2'.",
      ],
      [
        { environment: 'dev', count: '2.5' },
        "::error::Input 'count': must be a whole number from 0 to 10; got '2.5'.",
      ],
      [{ environment: 'dev', verbose: 'yes' }, "::error::Input 'verbose': must be true or false; got 'yes'."],
      [
        { environment: 'dev', mode: 'fast' },
        "::error::Input 'mode': must be one of ok, aws, unexpected; got 'fast'.",
      ],
    ];
    const runs = await Promise.all(cases.map(([inputs]) => runFixture(inputs)));
    runs.forEach((run, index) => {
      expect(run.code).toBe(1);
      expect(errorLines(run)).toHaveLength(1);
      expect(errorLines(run)[0]).toContain(cases[index]![1]);
      expect(run.stdout).not.toMatch(/^\s+at /m);
      expect(run.outputs).toEqual({});
    });
  });

  it('redacts the secret from an unexpected error and logs its stack', async () => {
    const run = await runFixture({ environment: 'dev', password, mode: 'unexpected' });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual(['::error::could not log in with ***']);
    expect(run.stdout).toContain('Unexpected error in fixture-action');
    expect(run.stdout).toMatch(/^\s+at /m);
    expectOnlyInMaskLines(run, password);
  });

  it('says how to configure AWS credentials when there are none', async () => {
    const run = await runFixture(
      { environment: 'dev', password, mode: 'aws' },
      {
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      },
    );
    expect(run.code).toBe(1);
    const [error] = errorLines(run);
    expect(error).toMatch(/^::error::rds:DescribeDBClusters in us-east-1 could not authenticate to AWS/);
    expect(error).toContain('aws-actions/configure-aws-credentials@v6');
    expect(error).toContain('role-to-assume');
    expect(error).toContain('permissions: id-token: write');
    expect(run.stdout).not.toMatch(/^\s+at /m);
    expectOnlyInMaskLines(run, password);
  });
});
