import { checkAcknowledgedWrites, startLab, type Lab } from '@dbmig/sandbox';
import { replicationNames } from '@dbmig/shared';
import pg from 'pg';
import { runCleanup } from '../../cleanup-v1/test/phase4.js';
import { appParameters, errorsOf, fleetConnections, ledgerTypes, runCutover, runRollback } from './phase3.js';
import { leftovers, replicatingWithLoad, sessionWritesOnV2, streaming, v1RowsMissingOnV2 } from './writes.js';

// write-strategy overlap, with the fleet writing to v1 before, during and after the switch: replication
// carries the writes of every instance still on v1 until the last one is gone, then drains and stops.
// Nothing the application was told was written may be missing on v2.

let lab: Lab;
const names = replicationNames('dev');

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world-replication' });
});
afterAll(async () => {
  await lab?.sandbox.fleet.stopWriteLoad();
  await lab?.stop();
});

describe('cutover with write-strategy overlap', () => {
  it('refuses, changing nothing, while the replication is not streaming', async () => {
    await replicatingWithLoad(lab);
    const before = appParameters(lab);
    await lab.databases.v2.admin((c) => c.query(`ALTER SUBSCRIPTION ${names.subscription} DISABLE`));
    try {
      const run = await runCutover(lab, { 'write-strategy': 'overlap' });
      expect(run.exitCode).toBe(1);
      const [error] = errorsOf(run);
      expect(error).toMatch(
        /^Cutover of dev refused: the replication is not ready for a cutover: replication-running: /,
      );
      expect(error).toMatch(/Nothing was changed\.$/);
      expect(appParameters(lab)).toEqual(before);
      expect(await ledgerTypes(lab)).not.toContain('cutover-started');
    } finally {
      await lab.databases.v2.admin((c) => c.query(`ALTER SUBSCRIPTION ${names.subscription} ENABLE`));
      await streaming(lab);
    }
  });

  it('refuses, changing nothing, while the lag is over the gate (an apply stuck behind a lock on v2)', async () => {
    const before = appParameters(lab);
    // A session on v2 holding a SHARE lock (as a CREATE INDEX does), which the apply worker's writes to
    // payments wait for: v1's changes queue behind it, while v2 still answers reads.
    const locker = new pg.Client({ connectionString: lab.databases.v2.connectionString() });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE public.payments IN SHARE MODE');
      const run = await runCutover(lab, { 'write-strategy': 'overlap', 'max-cdc-lag-seconds': '2' });
      expect(run.exitCode).toBe(1);
      const [error] = errorsOf(run);
      expect(error).toMatch(
        /^Cutover of dev refused: the replication is not ready for a cutover: replication-lag: v2 did not confirm v1's position [0-9A-F]+\/[0-9A-F]+ within 2 s \(/,
      );
      expect(error).toContain('over the gate (max-cdc-lag-seconds 2)');
      expect(error).toMatch(/Nothing was changed\.$/);
      expect(appParameters(lab)).toEqual(before);
      expect(await ledgerTypes(lab)).not.toContain('cutover-started');
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });

  it('loses nothing when the replication processes are killed and restart', async () => {
    // The apply worker on v2 and the walsender on v1, killed mid-stream: PostgreSQL restarts the worker,
    // which resumes from the slot's confirmed position, so nothing is skipped and nothing applied twice.
    await lab.databases.v2.admin((c) =>
      c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_subscription WHERE subname = $1 AND pid IS NOT NULL`,
        [names.subscription],
      ),
    );
    await lab.databases.v1.admin((c) =>
      c.query(
        `SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL`,
        [names.slot],
      ),
    );
    await streaming(lab);
  });

  it('moves the application while it writes, and every acknowledged write is on v2', async () => {
    // The load has run since the copy: writes before the slot, during the copy and after it, and while
    // the replication processes were down.
    const run = await runCutover(lab, { 'write-strategy': 'auto' });
    expect(errorsOf(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['write-strategy']).toBe('overlap');
    expect(run.outputs['replication-stopped-lsn']).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(JSON.parse(run.outputs['conflicts']!)).toEqual([]);
    expect(run.stdout).toContain("v2's sequences set 100000 steps past v1's");
    expect(run.stdout).toContain('No application session is left on v1.');

    const types = await ledgerTypes(lab);
    const from = types.lastIndexOf('cutover-started');
    expect(types.slice(from)).toEqual([
      'cutover-started',
      'sequences-advanced',
      'parameters-written',
      'refresh-started',
      'replication-stopped',
      'table-replication-stopped',
      'cutover-completed',
      'bake-verdict',
    ]);
    expect(await leftovers(lab)).toEqual({ slots: [], subscriptions: [], publications: [] });
    expect(run.stdout).toContain(`Stream of ${lab.config.v1.table} drained to its tip and stopped`);
    expect(await fleetConnections(lab.databases.v1)).toBe(0);

    // The new instances write to v2 now; a few more seconds of it, then every write is checked.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await lab.sandbox.fleet.stopWriteLoad();
    const writes = lab.sandbox.fleet.acknowledgedWrites();
    const onV1 = writes.filter((w) => w.cluster === lab.config.v1.primaryCluster).length;
    const onV2 = writes.filter((w) => w.cluster === lab.config.v2.primaryCluster).length;
    expect(onV1).toBeGreaterThan(50);
    expect(onV2).toBeGreaterThan(0);
    const check = await lab.databases.v2.admin((c) => checkAcknowledgedWrites(c, writes));
    expect(check.missing).toEqual([]);
    expect(check.checked).toBeGreaterThan(0);
    // Parity of what v1 holds: every row of v1 on v2, identical (v2 has the writes made after the switch too).
    expect(await v1RowsMissingOnV2(lab)).toEqual([]);
    // No id v2 handed out was one v1 had used: v2's inserts would have collided with replicated rows.
    expect(lab.sandbox.fleet.writeLoadStats().lastErrors.filter((e) => /duplicate key/.test(e))).toEqual([]);

    // The table: every session write acknowledged on v1 (before, during and after the copy, and during
    // the overlap) came through the stream, and every one made on v2 since is there.
    const sessions = await sessionWritesOnV2(lab);
    expect(sessions.missing).toEqual([]);
    expect(sessions.onV1).toBeGreaterThan(50);
    expect(sessions.onV2).toBeGreaterThan(0);
    expect(sessions.checked).toBeGreaterThan(50);
  });

  it('a slot left behind on v1 afterwards refuses the rollback and the cleanup, naming it', async () => {
    await lab.databases.v1.admin((c) =>
      c.query(`SELECT pg_create_logical_replication_slot('${names.slot}', 'pgoutput')`),
    );
    try {
      const before = appParameters(lab);
      const rollback = await runRollback(lab, { 'refresh-timeout-minutes': '3' });
      expect(rollback.exitCode).toBe(1);
      expect(errorsOf(rollback)[0]).toMatch(
        new RegExp(
          `^Rollback refused: replication is recorded as stopped, yet slot ${names.slot} on v1 \\(retaining [\\d,]+ bytes of WAL\\) remain\\.`,
        ),
      );
      expect(errorsOf(rollback)[0]).toMatch(/Nothing was changed\.$/);
      expect(appParameters(lab)).toEqual(before);

      const cleanup = await runCleanup(lab, { 'dry-run': 'true' });
      expect(cleanup.exitCode).not.toBe(0);
      const row = cleanup.summary.split('<tr>').find((r) => r.includes('No replication slot'));
      expect(row).toContain('Fail');
      expect(row).toMatch(new RegExp(`slot ${names.slot} on v1 \\(retaining [\\d,]+ bytes of WAL\\) remain`));
      expect(row).toContain(`SELECT pg_drop_replication_slot(&#39;${names.slot}&#39;)`);
    } finally {
      await lab.databases.v1.admin((c) => c.query(`SELECT pg_drop_replication_slot('${names.slot}')`));
    }
    const clean = await runCleanup(lab, { 'dry-run': 'true' });
    const row = clean.summary.split('<tr>').find((r) => r.includes('No replication slot'));
    expect(row).toContain('Pass');
  });
});
