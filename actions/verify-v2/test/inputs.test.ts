import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, Sandbox } from '@dbmig/sandbox';
import { BASE_INPUTS, errorsOf } from './run-verify.js';

// Bad input must fail before any AWS call: a bare sandbox (no databases needed) counts the calls.
let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await Sandbox.start();
  dir = mkdtempSync(join(tmpdir(), 'verify-v2-inputs-'));
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function refused(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const before = sandbox.requests.length;
  const run = await runAction({
    actionDir: 'actions/verify-v2',
    inputs,
    env: { ...sandbox.env(), ...env },
  });
  expect(run.exitCode).toBe(1);
  expect(sandbox.requests.length).toBe(before); // no AWS call was made
  expect(run.outputs['healthy']).toBeUndefined();
  const errors = errorsOf(run);
  expect(errors).toHaveLength(1);
  expect(run.stdout).not.toMatch(/^\s+at /m); // an expected error prints no stack trace
  return errors[0]!;
}

describe('verify-v2 refuses bad input before any AWS call', () => {
  it.each([
    [{ environment: '' }, "Input 'environment': is required"],
    [{ environment: 'Prod' }, "Input 'environment': must be a lowercase letter followed by"],
    [{ environment: '../prod' }, "Input 'environment'"],
    [{ environment: 'dev staging' }, "Input 'environment'"],
    [{ check: 'speed' }, "Input 'check': must be one of health, parity, all, replication; got 'speed'."],
    [
      { check: 'parity', 'parity-ranges': '0' },
      "Input 'parity-ranges': must be a whole number from 1 to 1024",
    ],
    [{ check: 'parity', 'parity-ranges': 'payments=lots' }, "Input 'parity-ranges': must be a whole number"],
    [{ check: 'parity', 'parity-ranges': 'public.payments 4' }, "Input 'parity-ranges'"],
    [
      { check: 'parity', 'max-differences-listed': '-1' },
      "Input 'max-differences-listed': must be a whole number",
    ],
    [{ 'max-replication-lag-seconds': '-5' }, "Input 'max-replication-lag-seconds': must be a whole number"],
    [
      { 'max-replication-lag-seconds': 'soon' },
      "Input 'max-replication-lag-seconds': must be a whole number",
    ],
    [{ 'max-attempts': '0' }, "Input 'max-attempts': must be a whole number from 1 to 20; got '0'."],
    [{ 'expect-empty': 'yes' }, "Input 'expect-empty': must be true or false; got 'yes'."],
    [{ 'fail-on-warning': '1' }, "Input 'fail-on-warning': must be true or false; got '1'."],
    [
      { 'ssl-mode': 'prefer' },
      "Input 'ssl-mode': must be one of verify-full, require, disable; got 'prefer'.",
    ],
    [
      { 'app-security-group': 'app-dev' },
      "Input 'app-security-group': must be a security group id: sg- and 8 or 17 lower-case hex digits (e.g. sg-0abc1234def567890), not a group name; got 'app-dev'.",
    ],
    [
      { 'app-security-group': 'sg-0ABC1234DEF567890' },
      "Input 'app-security-group': must be a security group id",
    ],
    [{ 'app-security-group': 'sg-0abc123' }, "Input 'app-security-group': must be a security group id"],
    [{ 'app-security-group': 'sg-0abc1234, sg-0def5678' }, "Input 'app-security-group'"],
  ])('%j', async (bad, message) => {
    const error = await refused({ ...BASE_INPUTS, ...bad });
    expect(error).toContain(message);
  });

  it('names the environment input and shows the expected form', async () => {
    const error = await refused({ ...BASE_INPUTS, environment: 'Prod' });
    expect(error).toMatch(/lowercase letter/);
    expect(error).toContain("'Prod'");
  });
});

describe('verify-v2 refuses a bad config file before any AWS call', () => {
  it.each([
    ['missing.yml', null, 'missing.yml'],
    ['malformed.yml', 'regions:\n  primary: us-east-1\n  dr: [us-east-2\n', 'line'],
    [
      'unknown-key.yml',
      'regions:\n  primary: us-east-1\n  secondary: us-east-2\n',
      "line 3: unknown key 'secondary'",
    ],
    ['unknown-region.yml', 'regions:\n  dr: us-middle-9\n', 'line 2'],
    ['same-regions.yml', 'regions:\n  primary: us-east-2\n  dr: us-east-2\n', 'us-east-2'],
    ['negative-attempts.yml', 'aws:\n  max-attempts: -3\n', 'line 2'],
    ['bad-name.yml', 'v2:\n  primary-cluster: primary--cluster-{env}\n', 'line 2'],
  ])('%s', async (name, text, message) => {
    const path = text === null ? join(dir, name) : configFile(name, text);
    const error = await refused({ ...BASE_INPUTS, config: path });
    expect(error).toContain(name);
    expect(error).toContain(message);
  });

  it('uses the names of a valid config file', async () => {
    const path = configFile('names.yml', 'v2:\n  secret: payments-db-v2-{env}\n');
    const before = sandbox.requests.length;
    const run = await runAction({
      actionDir: 'actions/verify-v2',
      inputs: { ...BASE_INPUTS, config: path },
      env: sandbox.env(),
    });
    expect(sandbox.requests.length).toBeGreaterThan(before);
    const report = JSON.parse(run.outputs['report']!) as { checks: { id: string; resource: string }[] };
    expect(report.checks.find((c) => c.id === 'secret')?.resource).toBe('payments-db-v2-dev');
  });
});

describe('verify-v2 without AWS credentials', () => {
  it('says how to configure them in a workflow', async () => {
    const home = mkdtempSync(join(tmpdir(), 'verify-v2-home-'));
    try {
      const error = await refused(BASE_INPUTS, {
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        // No shared config files, and never ask an instance metadata endpoint.
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      expect(error).toContain('aws-actions/configure-aws-credentials@v6');
      expect(error).toContain('id-token: write');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
