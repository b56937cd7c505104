import { startLab, type Lab } from '@dbmig/sandbox';
import { ledgerTypes } from '../../migrate-data/test/run-migrate.js';
import { errorsOf, reportOf, runVerify, statusOf } from './run-verify.js';

/** Every check verify-v2 reports in health mode, in report order. */
const HEALTH_CHECKS = [
  'primary-cluster',
  'primary-instances',
  'dr-cluster',
  'dr-instances',
  'global-cluster-members',
  'global-cluster-writer',
  'replication-lag',
  'deletion-protection',
  'storage-encryption',
  'table-active',
  'table-replicas',
  'secret',
  'database-connection',
  'database-empty',
];

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe("verify-v2 on the guide's world", () => {
  it('reports every check passing, with its region, and healthy=true', async () => {
    await lab.load('guide-world');
    const run = await runVerify(lab, { 'expect-empty': 'true' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['healthy']).toBe('true');
    const report = reportOf(run);
    expect(report.healthy).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(HEALTH_CHECKS);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.checks.find((c) => c.id === 'dr-cluster')).toMatchObject({
      region: 'us-east-2',
      resource: 'dr-db-cluster-v2-dev',
    });
    expect(report.checks.find((c) => c.id === 'primary-instances')?.detail).toBe(
      '2 available: primary-db-instance-v2-0-dev, primary-db-instance-v2-1-dev',
    );
    expect(report.checks.find((c) => c.id === 'database-connection')?.detail).toMatch(/^PostgreSQL 15\./);
    // The job summary shows every check with its region.
    for (const check of report.checks) {
      expect(run.summary).toContain(check.title);
    }
    expect(run.summary).toContain('<td>us-east-2</td>');
    expect(run.summary).toContain('<td>us-east-1</td>');
  });

  it('reads only, but for its verdict in the ledger: the one write is that event', async () => {
    await lab.load('guide-world');
    const before = lab.sandbox.requests.length;
    await runVerify(lab);
    const calls = lab.sandbox.requests.slice(before);
    expect(calls.length).toBeGreaterThan(0);
    const writes = calls.filter((call) => !/^(Describe|Get)/.test(call.operation));
    expect(writes.map((w) => `${w.service}:${w.operation}`)).toEqual(['ssm:PutParameter']);
    expect(await ledgerTypes(lab)).toEqual(['v2-verified']);
    const ledger = [...lab.sandbox.world.region('us-east-1').parameters.keys()].filter((name) =>
      name.startsWith('/db-migration/dev/ledger/'),
    );
    expect(ledger).toHaveLength(1);
  });

  it('discovers every instance of a cluster instead of assuming 0 and 1', async () => {
    await lab.load('extra-dr-instance-rebooting');
    const run = await runVerify(lab);
    expect(reportOf(run).checks.find((c) => c.id === 'dr-instances')?.detail).toBe(
      'not available: dr-db-instance-v2-2-dev (rebooting)',
    );
  });

  it('accepts a JSON secret with username and password', async () => {
    await lab.load('secret-json');
    const run = await runVerify(lab);
    expect(run.exitCode).toBe(0);
    expect(reportOf(run).checks.find((c) => c.id === 'secret')?.detail).toBe(
      'JSON document with username dbadmin and a password',
    );
  });

  it('counts the tables of a non-empty v2 without failing when expect-empty is false', async () => {
    await lab.load('v2-not-empty');
    const run = await runVerify(lab, { 'expect-empty': 'false' });
    expect(run.exitCode).toBe(0);
    // Both tables, the one the application user cannot read included.
    expect(reportOf(run).checks.find((c) => c.id === 'database-empty')?.detail).toBe('2 table(s) in public');
  });
});

describe('verify-v2 on broken worlds', () => {
  it.each([
    ['primary-cluster-not-available', 'primary-cluster', {}, 'status maintenance'],
    ['dr-cluster-not-available', 'dr-cluster', {}, 'status creating'],
    ['instance-modifying', 'primary-instances', {}, 'primary-db-instance-v2-1-dev (modifying)'],
    ['extra-dr-instance-rebooting', 'dr-instances', {}, 'dr-db-instance-v2-2-dev (rebooting)'],
    ['dr-member-missing', 'global-cluster-members', {}, 'missing: arn:aws:rds:us-east-2:'],
    ['writer-in-wrong-region', 'global-cluster-writer', {}, 'writer is arn:aws:rds:us-east-2:'],
    ['replication-lag-high', 'replication-lag', {}, 'max 120.0 s'],
    ['dr-replica-not-active', 'table-replicas', {}, 'us-east-2 replica CREATING'],
    ['secret-missing', 'secret', {}, 'secret not found'],
    ['wrong-password', 'database-connection', {}, 'authentication failed'],
    ['database-unreachable', 'database-connection', {}, 'connection refused'],
    ['v2-not-empty', 'database-empty', { 'expect-empty': 'true' }, '2 table(s) in public'],
  ])('%s: fails and names the %s check', async (scenario, checkId, inputs, detail) => {
    await lab.load(scenario);
    const run = await runVerify(lab, inputs);
    expect(run.exitCode).toBe(1);
    expect(run.outputs['healthy']).toBe('false');
    const check = reportOf(run).checks.find((c) => c.id === checkId);
    expect(check?.status).toBe('fail');
    expect(check?.detail).toContain(detail);
    const errors = errorsOf(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`v2 is not healthy for dev: `);
    expect(errors[0]).toContain(`${checkId} (`);
    // Only the broken thing fails; what depends on it is skipped, not failed twice.
    const failed = reportOf(run)
      .checks.filter((c) => c.status === 'fail')
      .map((c) => c.id);
    expect(failed).toEqual([checkId]);
  });

  it('skips the connection when the secret is missing, saying why', async () => {
    await lab.load('secret-missing');
    const run = await runVerify(lab);
    expect(reportOf(run).checks.find((c) => c.id === 'database-connection')).toMatchObject({
      status: 'skip',
      detail: 'no password: the v2 secret could not be read',
    });
  });

  it.each([
    ['deletion-protection-off', 'deletion-protection', 'off on primary-db-cluster-v2-dev'],
    ['storage-not-encrypted', 'storage-encryption', 'off on dr-db-cluster-v2-dev'],
  ])('%s: a warning, or a failure with fail-on-warning', async (scenario, checkId, detail) => {
    await lab.load(scenario);
    const lenient = await runVerify(lab);
    expect(lenient.exitCode).toBe(0);
    expect(lenient.outputs['healthy']).toBe('true');
    expect(statusOf(lenient, checkId)).toBe('warn');
    expect(reportOf(lenient).checks.find((c) => c.id === checkId)?.detail).toBe(detail);

    const strict = await runVerify(lab, { 'fail-on-warning': 'true' });
    expect(strict.exitCode).toBe(1);
    expect(strict.outputs['healthy']).toBe('false');
    expect(errorsOf(strict)[0]).toContain(`${checkId} (`);
  });

  it('a lag threshold above the lag passes the same world', async () => {
    await lab.load('replication-lag-high');
    const run = await runVerify(lab, { 'max-replication-lag-seconds': '150' });
    expect(run.exitCode).toBe(0);
    expect(statusOf(run, 'replication-lag')).toBe('pass');
  });
});
