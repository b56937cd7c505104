import { days, startLab, type Lab } from '@dbmig/sandbox';
import { runRollback } from '../../cutover/test/phase3.js';
import {
  cutOverAndStable,
  everythingPrinted,
  inventory,
  REPOSITORY,
  runCleanup,
  testLedger,
} from './phase4.js';

/*
 * Every guard of Phase 4, each shown refusing through the bundled action against the sandbox: the exit
 * code, the reason in the job summary, and the whole AWS inventory (v1 and v2) the same before and
 * after. The world is cut over once and left stable for eight days; each test breaks one thing and puts
 * it back.
 */

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
  await cutOverAndStable(lab, 8);
}, 240_000);
afterAll(async () => {
  await lab?.stop();
});

/** Runs a cleanup that must be refused by `check` (and changes nothing). */
async function refused(
  check: string,
  reason: RegExp,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  const before = inventory(lab);
  const run = await runCleanup(lab, inputs, { env });
  expect(run.exitCode).not.toBe(0);
  expect(run.summary).toContain('Refused: nothing was changed');
  const row = run.summary.split('<tr>').find((r) => r.includes(check));
  expect(row).toBeDefined();
  expect(row).toContain('Fail');
  expect(row).toMatch(reason);
  expect(inventory(lab)).toEqual(before);
  const deletes = lab.sandbox.requests.filter((r) =>
    /^(Delete|Remove|Modify|Update|Export)/.test(r.operation),
  );
  return { run, deletes };
}

const v1 = () => lab.config.v1;

test('1: a parameter in any Region still naming a v1 resource', async () => {
  const dr = lab.sandbox.world.region(lab.config.regions.dr).parameters;
  dr.set(lab.config.parameters.dynamodbTable, {
    name: lab.config.parameters.dynamodbTable,
    region: lab.config.regions.dr,
    type: 'String',
    value: v1().table,
    version: 1,
    lastModifiedDate: new Date(lab.sandbox.now().getTime() - days(9)),
    tier: 'Standard',
  });
  try {
    await refused(
      'No application parameter names a v1 resource',
      /us-east-2 \/app\/dev\/dynamodb\/table names a v1 resource/,
    );
  } finally {
    dr.delete(lab.config.parameters.dynamodbTable);
  }
});

test('2: v1 had a connection in the window (a person with psql counts)', async () => {
  const metrics = lab.sandbox.world.region(lab.config.regions.primary).metrics;
  const psql = {
    region: lab.config.regions.primary,
    namespace: 'AWS/RDS',
    metricName: 'DatabaseConnections',
    dimensions: { DBClusterIdentifier: v1().primaryCluster },
    points: (now: Date) => [{ timestamp: new Date(now.getTime() - 3 * 3_600_000), value: 1 }],
  };
  metrics.unshift(psql);
  try {
    await refused('v1 had no connection', /peaked at 1/);
  } finally {
    metrics.splice(metrics.indexOf(psql), 1);
  }
});

test('5: confirm not exactly DELETE-V1 (no trimming, no case folding), with every other failure reported at once', async () => {
  for (const confirm of ['delete-v1', 'DELETE-V1 ']) {
    const { run } = await refused('The confirm input is exactly DELETE-V1', /type exactly DELETE-V1/, {
      confirm,
      'allow-disable-deletion-protection': 'false',
    });
    // Guard 11 fails in the same run: every failing guard at once.
    expect(run.summary).toMatch(/Deletion protection is on for/);
  }
});

test('6: the environment has no required reviewers, or cannot be read', async () => {
  lab.github.setEnvironment(REPOSITORY, 'dev-v1-cleanup', {});
  try {
    await refused('gated by an environment with required reviewers', /has no required reviewers/);
    lab.github.setEnvironment(REPOSITORY, 'dev-v1-cleanup', { reviewers: [] });
    await refused('gated by an environment with required reviewers', /names nobody/);
  } finally {
    lab.github.setEnvironment(REPOSITORY, 'dev-v1-cleanup', {
      reviewers: [{ type: 'User', login: 'dba-lead' }],
    });
  }
  const { run } = await refused(
    'gated by an environment with required reviewers',
    /GITHUB_TOKEN/,
    {},
    { GITHUB_TOKEN: '' },
  );
  expect(everythingPrinted(run)).not.toContain(lab.github.token);
});

test('9: the inventory holds an instance the naming does not account for', async () => {
  const state = lab.sandbox.world.region(lab.config.regions.primary);
  const writer = [...state.instances.values()].find((i) => i.clusterIdentifier === v1().primaryCluster)!;
  state.instances.set('analytics-reader-dev', {
    ...writer,
    identifier: 'analytics-reader-dev',
    arn: `${writer.arn}x`,
    isClusterWriter: false,
  });
  try {
    await refused(
      'Everything to delete is v1',
      /analytics-reader-dev .* does not match the v1 instance pattern/,
    );
  } finally {
    state.instances.delete('analytics-reader-dev');
  }
});

test('10: another migration job holds the lock', async () => {
  const other = testLedger(lab, '555');
  try {
    const held = await other.ledger.append({ type: 'cleanup-started', data: { test: true } });
    try {
      await refused('No other migration job holds the environment', new RegExp(`break-lock: ${held.id}`));
    } finally {
      await other.ledger.append({
        type: 'cleanup-failed',
        data: { stage: 'test', reason: 'released by the test' },
      });
    }
  } finally {
    other.close();
  }
});

test('11: deletion protection is on and may not be turned off', async () => {
  await refused('Deletion protection is off', /allow-disable-deletion-protection: true/, {
    'allow-disable-deletion-protection': 'false',
  });
});

test('archive prerequisites: no such bucket, and point-in-time recovery off without leave to turn it on', async () => {
  await refused('The archive bucket exists', /does not exist/, { 'archive-bucket': 'no-such-archives' });
  await refused('point-in-time recovery', /update-continuous-backups --table-name session-table-dev/, {
    'enable-point-in-time-recovery': 'false',
  });
});

test('7: a final snapshot that does not become available stops the cleanup before any deletion', async () => {
  const primary = lab.sandbox.world.region(lab.config.regions.primary);
  primary.failingSnapshotClusters.add(v1().primaryCluster.toLowerCase());
  try {
    const before = inventory(lab);
    const run = await runCleanup(lab);
    expect(run.exitCode).not.toBe(0);
    const row = run.summary
      .split('<tr>')
      .find((r) => r.includes('A final snapshot of the v1 cluster') && r.includes(v1().primaryCluster));
    expect(row).toMatch(/Fail[\s\S]*ended failed, not available/);
    expect(run.summary).toContain('nothing of v1 was deleted');
    expect(inventory(lab)).toEqual(before);
  } finally {
    primary.failingSnapshotClusters.clear();
  }
});

test('8: an export that does not reach COMPLETED stops the cleanup before any deletion', async () => {
  const primary = lab.sandbox.world.region(lab.config.regions.primary);
  // The export the previous test made is gone from AWS, so a new one is needed, and it fails.
  primary.tableExports.clear();
  primary.failingExportTables.add(v1().table);
  try {
    const before = inventory(lab);
    const run = await runCleanup(lab);
    expect(run.exitCode).not.toBe(0);
    const row = run.summary.split('<tr>').find((r) => r.includes('The v1 table was exported'));
    expect(row).toMatch(/Fail[\s\S]*ended FAILED, not COMPLETED/);
    expect(inventory(lab)).toEqual(before);
  } finally {
    primary.failingExportTables.clear();
  }
});

test('bad inputs are refused by name before any AWS call', async () => {
  const calls = lab.sandbox.requests.length;
  for (const [inputs, message] of [
    [{ 'min-stable-days': '3' }, /min-stable-days.*allow-short-stabilisation/],
    [{ 'secret-recovery-days': '0' }, /secret-recovery-days.*allow-force-delete-secret/],
    [{ 'secret-recovery-days': '3' }, /secret-recovery-days.*7 to 30/],
    [{ 'archive-bucket': 's3://bucket/path' }, /archive-bucket.*bucket name/],
  ] as const) {
    const run = await runCleanup(lab, inputs);
    expect(run.exitCode).not.toBe(0);
    expect(everythingPrinted(run)).toMatch(message);
  }
  expect(lab.sandbox.requests.length).toBe(calls);
});

test('12: a dry run shows every guard and the whole plan, succeeds, and changes nothing', async () => {
  const before = inventory(lab);
  const requests = lab.sandbox.requests.length;
  const run = await runCleanup(lab, { 'dry-run': 'true', confirm: '' });
  expect(run.exitCode).toBe(0);
  expect(run.summary).toContain('Dry run');
  for (const instance of [
    'dr-db-instance-0-dev',
    'dr-db-instance-1-dev',
    'primary-db-instance-0-dev',
    'primary-db-instance-1-dev',
  ]) {
    expect(run.summary).toContain(`Delete the instance ${instance}`);
  }
  expect(run.summary).toMatch(/Detach dr-db-cluster-dev from the global cluster global-db-dev/);
  expect(run.summary).toMatch(/final archive is primary-db-cluster-dev-final-archive-r\d+-1/);
  expect(run.summary).toMatch(
    /Schedule the deletion of the secret db-password-dev with a 30-day recovery window/,
  );
  expect(JSON.parse(run.outputs['deleted']!)).toEqual([]);
  expect(inventory(lab)).toEqual(before);
  const changes = lab.sandbox.requests
    .slice(requests)
    .filter((r) => !/^(Describe|Get|List|Head|Scan|Filter)/.test(r.operation));
  expect(changes.map((r) => r.operation)).toEqual([]);
});

test("3: fewer than min-stable-days since the cutover, on AWS's clock, says when it will be allowed", async () => {
  const { run } = await refused(
    'v2 has served alone for at least 10 days',
    /Only 8\.\d days since the cutover completed .*The cleanup is allowed from \S+/,
    { 'min-stable-days': '10' },
  );
  expect(run.summary).toContain('allowed from');
});

// Last: this one changes the world for good.
test('4: a rollback after the last completed cutover', async () => {
  const rollback = await runRollback(lab, {}, { env: lab.github.env() });
  expect(rollback.exitCode).toBe(0);
  await refused('A completed cutover to v2 stands', /rolled back/);
});
