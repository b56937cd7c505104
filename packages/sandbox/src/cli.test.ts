import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { SANDBOX_CREDENTIALS } from './credentials.js';
import { startPostgres, type PostgresServer } from './postgres/index.js';
import { scenarios } from './scenarios/index.js';
import { acceptsConnections } from './test-support.js';

/*
 * `npm run sandbox -- …` as a person runs it: the CLI in its own process, started by tsx from the
 * repository root, read only through its output, exit code and ports.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const CLI = 'packages/sandbox/src/cli.ts';

type Cli = ChildProcessByStdio<null, Readable, Readable>;

/** The CLI, started as a user would; `detached` gives it its own process group, so that cleanup reaches tsx's child too. */
function startCli(args: string[]): { child: Cli; output: () => { stdout: string; stderr: string } } {
  const child = spawn(tsx, [CLI, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { child, output: () => ({ stdout, stderr }) };
}

/** Runs the CLI to its end. */
async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, output } = startCli(args);
  try {
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, ...output() };
  } finally {
    await stopCli(child);
  }
}

function running(child: Cli): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Ends the CLI if it still runs: SIGTERM to its process group first (tsx and the node process it
 * starts), which lets the CLI stop its PostgreSQL servers; SIGKILL when that has not ended it in 10 s.
 * A group that has ended is left alone, so that a signal never reaches a process this test did not start.
 */
async function stopCli(child: Cli): Promise<void> {
  if (child.pid === undefined || !running(child)) return;
  const closed = once(child, 'close');
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (running(child)) process.kill(-child.pid!, 'SIGKILL');
  }, 10_000);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with stdout once it contains `text`; fails when the process ends first or time runs out. */
async function waitForOutput(child: Cli, output: () => { stdout: string; stderr: string }, text: string) {
  const deadline = Date.now() + 60_000;
  while (!output().stdout.includes(text)) {
    if (!running(child) || Date.now() > deadline) {
      const { stdout, stderr } = output();
      throw new Error(`the CLI did not print "${text}"\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return output().stdout;
}

describe('arguments', () => {
  test('--help lists every scenario with its description and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: npm run sandbox -- --scenario <name>/);
    // One line a scenario, in the order of `scenarios`: its name, then its description.
    const listed = stdout.split('\n').filter((line) => /^ {2}\S/.test(line));
    expect(listed).toHaveLength(scenarios.length);
    scenarios.forEach((scenario, i) => {
      expect(listed[i]).toMatch(
        new RegExp(`^  ${escapeRegExp(scenario.name)} +${escapeRegExp(scenario.description)}$`),
      );
    });
  });

  test('an unknown scenario exits 2, names it and lists the known ones', async () => {
    const { code, stdout, stderr } = await runCli(['--scenario', 'no-such-world']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Unknown scenario "no-such-world".');
    expect(stderr).toContain('  guide-world ');
  });

  test.each(['70000', '-1', 'abc', '4566.5'])('--port %s exits 2 with the expected range', async (port) => {
    const { code, stdout, stderr } = await runCli([`--port=${port}`]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`--port must be an integer from 0 to 65535, got "${port}"`);
  });

  test.each([
    ['--v2-database-url', 'postgresql://app@db.internal/payments', 'has no password'],
    ['--v1-database-url', 'app:hunter2@db.internal/payments', 'must start with postgres:// or postgresql://'],
  ])('%s %s exits 2 naming the flag, without the password', async (flag, url, problem) => {
    const { code, stdout, stderr } = await runCli([flag, url]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${flag} ${problem}`);
    expect(stderr).not.toContain('hunter2');
  });

  test('--v2-major 16 exits 2 with the majors it has', async () => {
    const { code, stderr } = await runCli(['--v2-major', '16']);
    expect(code).toBe(2);
    expect(stderr).toContain('--v2-major must be one of 15, 17, got "16"');
  });

  test('an unknown option exits 2 with the usage', async () => {
    const { code, stderr } = await runCli(['--region', 'us-east-1']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--region'");
    expect(stderr).toContain('Usage: npm run sandbox');
  });
});

describe('serving a scenario', () => {
  let cli: ReturnType<typeof startCli> | undefined;

  afterAll(async () => {
    if (cli) await stopCli(cli.child);
  });

  // Starts two real PostgreSQL servers (about 2 s, more on a busy machine).
  test('prints what to export, answers an SDK client with them, and stops on Ctrl-C (SIGINT)', async () => {
    cli = startCli(['--scenario', 'guide-world', '--environment', 'dev']);
    const { child, output } = cli;
    const printed = await waitForOutput(child, output, 'Serving until interrupted');

    const vars: Record<string, string> = {};
    for (const line of printed.split('\n')) {
      const match = /^export (\w+)=(.*)$/.exec(line);
      if (match) vars[match[1]!] = match[2]!;
    }
    expect(vars).toEqual({
      AWS_ENDPOINT_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
      // The lab's GitHub REST endpoints, so that an action run by hand never reaches api.github.com.
      GITHUB_API_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    const databases = /^# v1 database: 127\.0\.0\.1:(\d+), v2 database: 127\.0\.0\.1:(\d+)$/m.exec(printed);
    expect(databases).not.toBeNull();
    const ports = [
      Number(new URL(vars.AWS_ENDPOINT_URL!).port),
      Number(databases![1]),
      Number(databases![2]),
    ];

    const rds = new RDSClient({
      endpoint: vars.AWS_ENDPOINT_URL!,
      region: vars.AWS_REGION!,
      credentials: { accessKeyId: vars.AWS_ACCESS_KEY_ID!, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY! },
      maxAttempts: 1,
    });
    try {
      const { DBClusters } = await rds.send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: 'primary-db-cluster-v2-dev' }),
      );
      expect(DBClusters).toHaveLength(1);
      expect(DBClusters![0]).toMatchObject({
        DBClusterIdentifier: 'primary-db-cluster-v2-dev',
        Status: 'available',
        Port: Number(databases![2]),
      });
    } finally {
      rds.destroy();
    }
    for (const port of ports) expect(await acceptsConnections(port)).toBe(true);

    const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    // As a terminal's Ctrl-C does: to the whole process group, tsx and the node process it started.
    process.kill(-child.pid!, 'SIGINT');
    const [code, signal] = await closed;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output().stdout).toMatch(/# Stopped\.\n$/);
    for (const port of ports) expect(await acceptsConnections(port)).toBe(false);
  }, 120_000);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('serving with --v1-database-url', () => {
  const PASSWORD = 'cli-own-S3cret';
  let own: PostgresServer | undefined;
  let cli: ReturnType<typeof startCli> | undefined;

  afterAll(async () => {
    if (cli) await stopCli(cli.child);
    await own?.stop();
  });

  // One PostgreSQL server of the test's own, and the CLI's v2 (about 3 s, more on a busy machine).
  test('points v1 at it, prints it without the password, and leaves it running on Ctrl-C', async () => {
    own = await startPostgres({ name: `cli-own-${process.pid}`, database: 'prod_copy', password: PASSWORD });
    await own.session((client) => client.query('CREATE TABLE marker (id int)'));
    cli = startCli(['--v1-database-url', own.connectionString(), '--v2-major', '17']);
    const { child, output } = cli;
    const printed = await waitForOutput(child, output, 'Serving until interrupted');
    expect(printed).toMatch(
      new RegExp(
        `^# v1 database: postgresql://dbadmin:\\*\\*\\*@127\\.0\\.0\\.1:${own.port}/prod_copy \\(given by --v1-database-url; never changed\\), v2 database: 127\\.0\\.0\\.1:\\d+$`,
        'm',
      ),
    );
    expect(printed).toContain('# PostgreSQL 15 (v1), 17 (v2)');
    expect(printed).toContain(
      '# Note: the v1 database is "prod_copy", the actions\' default is "paymentsdb": run them with a config file holding `database: { name: prod_copy }`',
    );

    const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    process.kill(-child.pid!, 'SIGINT');
    const [code] = await closed;
    expect(code).toBe(0);
    const { stdout, stderr } = output();
    expect(`${stdout}${stderr}`).not.toContain(PASSWORD);
    expect(await acceptsConnections(own.port)).toBe(true);
    const tables = await own.session(
      async (client) =>
        (await client.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows,
    );
    expect(tables).toEqual([{ tablename: 'marker' }]);
  }, 120_000);
});
