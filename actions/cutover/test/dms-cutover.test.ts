import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { checkAcknowledgedWrites, startLab, type Lab } from '@dbmig/sandbox';
import pg from 'pg';
import {
  dmsClient,
  dmsInputs,
  dmsObjects,
  dmsSecrets,
  replicationInstanceArn,
} from '../../migrate-data/test/dms-setup.js';
import { ARCHIVE_BUCKET, runCleanup } from '../../cleanup-v1/test/phase4.js';
import { runMigrate } from '../../migrate-data/test/run-migrate.js';
import { everythingPrinted, runPreview } from '../../preview/test/run-preview.js';
import { runVerify } from '../../verify-v2/test/run-verify.js';
import { appParameters, errorsOf, ledgerTypes, runCutover, runRollback } from './phase3.js';
import { sessionWritesOnV2, v1RowsMissingOnV2 } from './writes.js';

// A cutover beside migrate-data's DMS task, with the fleet writing throughout: the gate reads the task
// and the slot it reads on v1; overlap and pause drain the task on that slot, then stop and delete it
// with its endpoints, and every acknowledged write is on v2; a cutover that fails before the drain leaves
// the task running, and the rollback stops and deletes it. Nothing of DMS's is left behind either way.

let lab: Lab;
let dms: DatabaseMigrationServiceClient;
const DMS = { 'dms-poll-seconds': '1' };

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
  dms = dmsClient(lab);
});
afterAll(async () => {
  await lab?.sandbox.fleet.stopWriteLoad();
  dms?.destroy();
  await lab?.stop();
});

/** The scenario loaded, the fleet writing, migrate-data's DMS task carrying v1's writes, health and parity verified. */
async function replicatingThroughDms(options: { load: boolean }): Promise<string> {
  await lab.load('payments-world-replication');
  if (options.load) lab.sandbox.fleet.startWriteLoad({ writesPerSecond: 10 });
  await dmsSecrets(lab);
  const migrate = await runMigrate(lab, dmsInputs(lab, await replicationInstanceArn(dms)));
  if (migrate.exitCode !== 0) throw new Error(`migrate-data failed: ${errorsOf(migrate).join('; ')}`);
  const verify = await runVerify(lab, { check: 'all' });
  if (verify.exitCode !== 0) throw new Error(`verify-v2 failed: ${errorsOf(verify).join('; ')}`);
  return (JSON.parse(migrate.outputs['replication']!) as { slot: string }).slot;
}

const slotsOnV1 = () =>
  lab.databases.v1.admin(async (c) => (await c.query('SELECT slot_name FROM pg_replication_slots')).rows);

/** Every write the fleet was told succeeded, on v2: the rows, and the session items. */
async function everyAcknowledgedWriteOnV2(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await lab.sandbox.fleet.stopWriteLoad();
  const writes = lab.sandbox.fleet.acknowledgedWrites();
  expect(writes.filter((w) => w.cluster === lab.config.v1.primaryCluster).length).toBeGreaterThan(50);
  const check = await lab.databases.v2.admin((c) => checkAcknowledgedWrites(c, writes));
  expect(check.missing).toEqual([]);
  expect(await v1RowsMissingOnV2(lab)).toEqual([]);
  const sessions = await sessionWritesOnV2(lab);
  expect(sessions.missing).toEqual([]);
}

describe('cutover beside a DMS task', () => {
  it('check: replication reads the task, its slot and its latency; a lag over the gate refuses the cutover', async () => {
    const slot = await replicatingThroughDms({ load: true });
    const verify = await runVerify(lab, { check: 'replication', 'max-cdc-lag-seconds': '30' });
    expect(errorsOf(verify)).toEqual([]);
    const report = JSON.parse(verify.outputs['replication']!) as { mode: string; slot: string };
    expect(report).toMatchObject({ mode: 'dms', slot, dms: { task: 'dbmig-dev' } });
    expect(verify.stdout).toContain(
      `DMS task dbmig-dev is running (CDC) and reads v1 through the slot ${slot}`,
    );
    expect(verify.stdout).toMatch(/the DMS task confirmed v1's current position in \d+ ms on its slot/);

    // A session on v2 holding a SHARE lock, which the task's writes to payments wait for.
    const before = appParameters(lab);
    const locker = new pg.Client({ connectionString: lab.databases.v2.connectionString() });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE public.payments IN SHARE MODE');
      const run = await runCutover(lab, { ...DMS, 'write-strategy': 'overlap', 'max-cdc-lag-seconds': '2' });
      expect(run.exitCode).toBe(1);
      const [error] = errorsOf(run);
      expect(error).toMatch(
        /^Cutover of dev refused: the replication is not ready for a cutover: replication-lag: the DMS task did not confirm v1's position [0-9A-F]+\/[0-9A-F]+ within 2 s on its slot /,
      );
      expect(error).toMatch(/Nothing was changed\.$/);
      expect(appParameters(lab)).toEqual(before);
      expect(await ledgerTypes(lab)).not.toContain('cutover-started');
      expect((await dmsObjects(dms)).tasks).toEqual(['dbmig-dev']);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });

  it('overlap drains the task on its slot, stops and deletes it, and every acknowledged write is on v2', async () => {
    const run = await runCutover(lab, { ...DMS, 'write-strategy': 'auto' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['write-strategy']).toBe('overlap');
    expect(run.outputs['replication-stopped-lsn']).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(JSON.parse(run.outputs['conflicts']!)).toEqual([]);
    expect(run.stdout).toMatch(
      /the lag drained and the DMS task dbmig-dev stopped and deleted with its endpoints \(slot dms_/,
    );
    expect(run.stdout).toMatch(
      /Replication drained to [0-9A-F]+\/[0-9A-F]+ in \d+ ms and stopped: DMS task dbmig-dev stopped and deleted, its endpoints deleted, its slot dms_\w+ gone from v1\./,
    );
    const types = await ledgerTypes(lab);
    expect(types.slice(types.lastIndexOf('cutover-started'))).toEqual([
      'cutover-started',
      'sequences-advanced',
      'parameters-written',
      'refresh-started',
      'replication-stopped',
      'table-replication-stopped',
      'cutover-completed',
      'bake-verdict',
    ]);
    expect(await dmsObjects(dms)).toEqual({ tasks: [], endpoints: [] });
    expect(await slotsOnV1()).toEqual([]);
    await everyAcknowledgedWriteOnV2();

    // The cleanup's guard (and the preview's plan of it) asks DMS too: no task of migrate-data's is left.
    const cleanup = await runCleanup(lab, { 'dry-run': 'true' });
    const row = cleanup.summary.split('<tr>').find((r) => r.includes('No replication slot'));
    expect(row).toContain('Pass');
    const preview = await runPreview(lab, 41, {
      'archive-bucket': ARCHIVE_BUCKET,
      'allow-disable-deletion-protection': 'true',
      'enable-point-in-time-recovery': 'true',
    });
    expect(errorsOf(preview)).toEqual([]);
    expect(everythingPrinted(preview)).toMatch(
      /No replication slot, publication or subscription is left behind/,
    );
  });

  it('pause revokes the writes on the tables the task carries, drains it, and measures the pause', async () => {
    await replicatingThroughDms({ load: true });
    const run = await runCutover(lab, { ...DMS, 'write-strategy': 'pause' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      '(REVOKE on the tables the DMS task dbmig-dev carries, their sessions ended)',
    );
    expect(run.stdout).toMatch(
      /v1 refuses the application's writes: DELETE, INSERT, TRUNCATE, UPDATE on public\.accounts from /,
    );
    expect(Number(run.outputs['write-pause-ms'])).toBeGreaterThan(0);
    const types = await ledgerTypes(lab);
    expect(types.slice(types.lastIndexOf('cutover-started'))).toEqual([
      'cutover-started',
      'writes-paused',
      'replication-stopped',
      'sequences-advanced',
      'parameters-written',
      'refresh-started',
      'table-replication-stopped',
      'cutover-completed',
      'bake-verdict',
    ]);
    expect(await dmsObjects(dms)).toEqual({ tasks: [], endpoints: [] });
    expect(await slotsOnV1()).toEqual([]);
    await everyAcknowledgedWriteOnV2();
  });

  it('a cutover that fails before the drain leaves the task running; the rollback stops and deletes it', async () => {
    const slot = await replicatingThroughDms({ load: false });
    const { regions, autoScalingGroups } = lab.config;
    const group = lab.sandbox.world.region(regions.dr).autoScalingGroups.get(autoScalingGroups.dr)!;
    group.failsRefresh = true;
    const run = await runCutover(lab, { ...DMS, 'write-strategy': 'overlap' });
    expect(run.exitCode).toBe(1);
    expect(errorsOf(run).join('\n')).toMatch(/failed after the parameters changed: /);
    expect((await dmsObjects(dms)).tasks).toEqual(['dbmig-dev']);

    group.failsRefresh = false;
    const rollback = await runRollback(lab, { ...DMS, 'refresh-timeout-minutes': '3' });
    expect(errorsOf(rollback)).toEqual([]);
    expect(rollback.exitCode).toBe(0);
    expect(rollback.stdout).toContain(
      `replication stopped: the DMS task dbmig-dev (running) stopped and deleted with its endpoints, its slot ${slot} dropped on v1`,
    );
    expect(rollback.stdout).toContain('DMS task dbmig-dev stopped and deleted.');
    expect(await dmsObjects(dms)).toEqual({ tasks: [], endpoints: [] });
    expect(await slotsOnV1()).toEqual([]);
    expect((await ledgerTypes(lab)).filter((t) => t === 'replication-stopped').length).toBeGreaterThan(0);
  });
});
