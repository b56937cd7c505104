import type { ChildProcess } from 'node:child_process';
import { checkAcknowledgedSessionWrites, passTime, startLab, type Lab } from '@dbmig/sandbox';
import { checkpointParameter, streamPositionsParameter } from '@dbmig/shared';
import { replicatingWithLoad } from '../../cutover/test/writes.js';
import { reportOf, runVerify } from '../../verify-v2/test/run-verify.js';
import { errorsOf, labDynamoDb, ledgerTypes, runMigrate, tablesEqual } from './run-migrate.js';

// migrate-data with `replication: logical` carries the table's writes too, through v1's stream, while the
// fleet puts, updates and deletes session items the whole time: a run killed midway loses none of them,
// the parity applies what waits before it compares, and check: replication says how old the backlog is.

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
});
afterAll(async () => {
  await lab?.sandbox.fleet.stopWriteLoad();
  await lab?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sessionsMissingOnV2(): Promise<{ checked: number; missing: string[] }> {
  const dynamodb = labDynamoDb(lab);
  try {
    return await checkAcknowledgedSessionWrites(
      dynamodb,
      lab.config.v2.table,
      lab.sandbox.fleet.acknowledgedSessionWrites(),
    );
  } finally {
    dynamodb.destroy();
  }
}

describe("migrate-data, replication: logical, the table's stream", () => {
  it('a copy SIGKILLed midway while the fleet writes resumes copy and stream; after the parity every acknowledged write is on v2', async () => {
    lab.sandbox.fleet.startWriteLoad({ writesPerSecond: 10 });
    // Slow writes, so that the kill lands mid-copy.
    lab.sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', latencyMs: 1000 }]);
    const parameters = lab.sandbox.world.region('us-east-1').parameters;
    const midway = () => {
      const saved = parameters.get(checkpointParameter('dev'));
      if (!saved || !parameters.has(streamPositionsParameter('dev'))) return false;
      const segments = (JSON.parse(saved.value) as { segments: unknown[] }).segments;
      return segments.some((s) => s !== null) && !segments.every((s) => s === 'done');
    };
    let killed = false;
    const inputs = { steps: 'dynamodb', replication: 'logical' };
    const first = await runMigrate(lab, inputs, {
      onSpawn: (child: ChildProcess) => {
        void (async () => {
          while (child.exitCode === null && !midway()) await sleep(10);
          killed = child.kill('SIGKILL');
        })();
      },
    });
    lab.sandbox.faults.clear();
    expect(killed).toBe(true);
    expect(first.signal).toBe('SIGKILL');
    // The start was recorded before the copy: the ledger knows of the positions.
    expect(await ledgerTypes(lab)).toContain('table-replication-started');

    await sleep(1500);
    const second = await runMigrate(lab, inputs);
    expect(errorsOf(second)).toEqual([]);
    expect(second.stdout).toContain('resume the interrupted copy');
    expect(second.stdout).toContain(
      `resume the stream from the positions at ${streamPositionsParameter('dev')}`,
    );
    expect(second.stdout).toMatch(
      /Stream of session-table-dev: \d+ change\(s\) read, \d+ key\(s\) given their last image/,
    );

    // The fleet keeps writing v1's table: v2 lags behind until the next catch-up, the parity's.
    await sleep(1500);
    await lab.sandbox.fleet.stopWriteLoad();
    expect(await tablesEqual(lab)).toBe(false);
    // Only the table was copied: the PostgreSQL side of the parity fails, its table check is the one read.
    const parity = await runVerify(lab, { check: 'parity' });
    expect(reportOf(parity).checks.find((c) => c.id === 'parity-dynamodb')).toMatchObject({ status: 'pass' });
    expect(parity.stdout).toMatch(
      /parity: the table's stream is carried to v2: \d+ change\(s\) since the last catch-up applied first/,
    );
    expect(await tablesEqual(lab)).toBe(true);
    const writes = lab.sandbox.fleet.acknowledgedSessionWrites();
    expect(writes.filter((w) => w.table === lab.config.v1.table).length).toBeGreaterThan(50);
    const check = await sessionsMissingOnV2();
    expect(check.missing).toEqual([]);
    expect(check.checked).toBeGreaterThan(20);
  });

  it('check: replication reports what waits in the stream, and fails once its oldest change nears the 24 h retention', async () => {
    await replicatingWithLoad(lab);
    await sleep(2000);
    await lab.sandbox.fleet.stopWriteLoad();
    const run = await runVerify(lab, { check: 'replication' });
    expect(errorsOf(run)).toEqual([]);
    const table = reportOf(run).checks.find((c) => c.id === 'replication-table')!;
    expect(table).toMatchObject({ status: 'pass', resource: 'session-table-dev → session-table-v2-dev' });
    expect(table.detail).toMatch(
      /^\d+ change\(s\) wait \(the oldest \d+ s old\), applied by the next parity or the cutover/,
    );
    const output = JSON.parse(run.outputs['replication']!) as { table: { waiting: number; lagMs: number } };
    expect(output.table.waiting).toBeGreaterThan(0);

    passTime(lab.sandbox, 21 * 60 * 60_000);
    const late = await runVerify(lab, { check: 'replication' });
    expect(late.exitCode).toBe(1);
    const stale = reportOf(late).checks.find((c) => c.id === 'replication-table')!;
    expect(stale.status).toBe('fail');
    expect(stale.detail).toMatch(/the oldest 2\d\.\d h old: the stream keeps 24 h/);
  });
});
