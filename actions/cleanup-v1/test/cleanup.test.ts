import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  GetSecretValueCommand,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DEFAULT_SESSION_ITEMS, days, passTime, sandboxClient, startLab, type Lab } from '@dbmig/sandbox';
import {
  ARCHIVE_BUCKET,
  APPROVER,
  cutOverAndStable,
  everythingPrinted,
  metricsCaughtUp,
  inventory,
  ledgerTypes,
  runCleanup,
} from './phase4.js';

/*
 * Phase 4 end to end through the bundled action: refused six days after the cutover (the summary says
 * when it will be allowed), done after eight, with the sandbox's clock moving AWS's timestamps; v1
 * deleted in AWS's order with its archives kept, v2 untouched, the secret recoverable, and the
 * CHANGELOG entry written from the ledger.
 */

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
  // v1's table holds the payments world's sessions, so that the export has items to count.
  await cutOverAndStable(lab, 6, 'payments-world');
}, 240_000);
afterAll(async () => {
  await lab?.stop();
});

test('six days after the cutover it is refused, naming when it will be allowed; after eight it deletes v1', async () => {
  const v2Before = inventory(lab, 'v2');
  const early = await runCleanup(lab);
  expect(early.exitCode).not.toBe(0);
  const completed = lab.sandbox.world.region(lab.config.regions.primary).parameters;
  expect(completed.size).toBeGreaterThan(0);
  expect(early.summary).toMatch(/Only 6\.\d days since the cutover completed/);
  const allowed = /The cleanup is allowed from (\S+?)\./.exec(early.summary)?.[1];
  expect(allowed).toBeDefined();
  // Seven days after the cutover's AWS-side time, which is six days behind the sandbox's clock.
  const expected = lab.sandbox.now().getTime() + days(1);
  expect(Math.abs(new Date(allowed!).getTime() - expected)).toBeLessThan(60 * 60 * 1000);

  passTime(lab.sandbox, days(2));
  await metricsCaughtUp(lab);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'changelog-'));
  const changelogPath = path.join(dir, 'CHANGELOG.md');
  await writeFile(changelogPath, '# Changelog\n\n## [1.4.0] - 2026-01-10\n\n- Earlier work\n');
  const from = lab.sandbox.requests.length;
  const run = await runCleanup(lab, { 'changelog-path': changelogPath });
  if (run.exitCode !== 0) console.log(run.stdout, run.stderr, run.summary);
  expect(run.exitCode).toBe(0);
  expect(run.summary).toContain('v1 deleted');

  // v1 is gone (the secret only scheduled for deletion), v2 is as it was.
  const v1Left = inventory(lab, 'v1');
  expect(Object.keys(v1Left)).toEqual([`secret us-east-1 ${lab.config.v1.secret}`]);
  expect(v1Left[`secret us-east-1 ${lab.config.v1.secret}`]).not.toBeNull();
  expect(inventory(lab, 'v2')).toEqual(v2Before);

  // In AWS's order, and never a refused deletion.
  const calls = lab.sandbox.requests.slice(from);
  const order = calls.map((c) => `${c.region} ${c.operation}`);
  const first = (entry: string) => order.indexOf(entry);
  const last = (entry: string) => order.lastIndexOf(entry);
  expect(first('us-east-2 RemoveFromGlobalCluster')).toBeLessThan(first('us-east-2 DeleteDBInstance'));
  expect(last('us-east-2 DeleteDBInstance')).toBeLessThan(first('us-east-2 DeleteDBCluster'));
  expect(first('us-east-2 RemoveFromGlobalCluster')).toBeLessThan(first('us-east-1 RemoveFromGlobalCluster'));
  expect(last('us-east-1 DeleteDBCluster')).toBeLessThan(first('us-east-1 DeleteGlobalCluster'));
  expect(first('us-east-1 UpdateTable')).toBeLessThan(first('us-east-1 DeleteTable'));
  expect(first('us-east-1 DeleteSecret')).toBeGreaterThan(last('us-east-1 DeleteGlobalCluster'));
  // (The ledger's own appends may meet a taken sequence number and retry: that is its lock, not AWS.)
  const refusedChanges = calls.filter(
    (c) => c.status >= 400 && c.service !== 'ssm' && !/^(Describe|Get|List|Head)/.test(c.operation),
  );
  expect(refusedChanges).toEqual([]);

  // The archives: both snapshots available and tagged, the export's files in the bucket.
  const archives = JSON.parse(run.outputs['archives']!) as {
    kind: string;
    identifier: string;
    state: string;
    itemCount?: number;
  }[];
  expect(archives.map((a) => [a.kind, a.state])).toEqual(
    expect.arrayContaining([
      ['cluster-snapshot', 'available'],
      ['cluster-snapshot', 'available'],
      ['table-export', 'COMPLETED'],
    ]),
  );
  for (const region of [lab.config.regions.primary, lab.config.regions.dr]) {
    const snapshots = [...lab.sandbox.world.region(region).clusterSnapshots.values()].filter((s) =>
      s.identifier.includes('final-archive'),
    );
    expect(snapshots).toHaveLength(1);
    const tags = Object.fromEntries(snapshots[0]!.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ Purpose: 'ArchiveBeforeV2Migration', Environment: 'dev' });
    expect(tags['RetainUntil']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(tags['RunUrl']).toMatch(/\/actions\/runs\/\d+$/);
  }
  const exported = archives.find((a) => a.kind === 'table-export')!;
  expect(exported.itemCount).toBe(DEFAULT_SESSION_ITEMS);
  const files = [...lab.sandbox.world.buckets.get(ARCHIVE_BUCKET)!.objects.keys()];
  expect(
    files.some(
      (k) => k.startsWith('dynamodb-archives/dev/session-table-dev-') && k.endsWith('manifest-summary.json'),
    ),
  ).toBe(true);

  // The deleted list, and the ledger.
  const deleted = (JSON.parse(run.outputs['deleted']!) as { resource: string }[]).map((d) => d.resource);
  expect(deleted).toEqual(
    expect.arrayContaining([
      'dr-db-instance-0-dev',
      'primary-db-cluster-dev',
      'global-db-dev',
      'session-table-dev@us-east-2',
      'session-table-dev',
      'db-password-dev',
    ]),
  );
  expect((await ledgerTypes(lab)).slice(-6)).toEqual(
    [
      'cleanup-started',
      'archive-made',
      'archive-made',
      'archive-made',
      'v1-deletion-started',
      'cleanup-completed',
    ].slice(-6),
  );

  // The CHANGELOG entry: the ledger's dates, the recorded approver, no placeholder; prepended to the file.
  const entry = run.outputs['changelog']!;
  const today = lab.sandbox.now().toISOString().slice(0, 10);
  const cutoverDay = new Date(lab.sandbox.now().getTime() - days(8)).toISOString().slice(0, 10);
  expect(entry).toContain(`v1 cleanup completed: ${today}`);
  expect(entry).toContain(`Cutover completed: ${cutoverDay}`);
  expect(entry).toMatch(/stabilization period/);
  expect(entry).toContain(`${APPROVER} (approved dev-v1-cleanup)`);
  expect(entry).not.toMatch(/\[[A-Z_]+\]/);
  const file = await readFile(changelogPath, 'utf8');
  expect(file).toMatch(/^# Changelog\n\n## \[v2\.0\.0\] - [\s\S]*## \[1\.4\.0\] - 2026-01-10/);

  // The secret can be restored within its recovery window.
  const secrets = sandboxClient(SecretsManagerClient, lab.sandbox, lab.config.regions.primary);
  try {
    await secrets.send(new RestoreSecretCommand({ SecretId: lab.config.v1.secret }));
    const value = await secrets.send(new GetSecretValueCommand({ SecretId: lab.config.v1.secret }));
    expect(value.SecretString).toBeDefined();
    expect(everythingPrinted(run)).not.toContain(value.SecretString);
  } finally {
    secrets.destroy();
  }
}, 240_000);

test('a rollback after the cleanup began is refused: v1 is gone', async () => {
  const { runRollback } = await import('../../cutover/test/phase3.js');
  const before = inventory(lab);
  const run = await runRollback(lab, {}, { env: lab.github.env() });
  expect(run.exitCode).not.toBe(0);
  expect(everythingPrinted(run)).toMatch(/the deletion of v1 began/);
  expect(inventory(lab)).toEqual(before);
});
