import { CreateBackupCommand, DescribeBackupCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateDBClusterSnapshotCommand,
  RDSClient,
  waitUntilDBClusterSnapshotAvailable,
} from '@aws-sdk/client-rds';
import { startLab, type Lab } from '../lab.js';
import { failure, sandboxClient } from '../test-support.js';

/*
 * The broken worlds of step 2.1, loaded as the rehearsal loads them: the guide's world, then the v1
 * primary cluster's snapshots fail (snapshot-fails) or the v1 table's backups never become AVAILABLE
 * (backup-fails), while v2 and everything else stay healthy.
 */

let lab: Lab;
let rds: RDSClient;
let dynamodb: DynamoDBClient;

async function load(scenario: string): Promise<void> {
  await lab.load(scenario);
  lab.sandbox.world.backupTimings = { clusterSnapshotMs: 300, tableBackupMs: 300 };
}

async function snapshotOutcome(cluster: string): Promise<'SUCCESS' | Error> {
  await rds.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: cluster,
      DBClusterSnapshotIdentifier: `${cluster}-premigration-t1`,
    }),
  );
  return waitUntilDBClusterSnapshotAvailable(
    { client: rds, minDelay: 0.1, maxDelay: 0.2, maxWaitTime: 20 },
    { DBClusterSnapshotIdentifier: `${cluster}-premigration-t1` },
  ).then(
    (result) => result.state as 'SUCCESS',
    (error: unknown) => error as Error,
  );
}

/** The backup's status once its duration has passed. */
async function settledBackupStatus(table: string): Promise<string | undefined> {
  const { BackupDetails } = await dynamodb.send(
    new CreateBackupCommand({ TableName: table, BackupName: `${table}-premigration-t1` }),
  );
  expect(BackupDetails!.BackupStatus).toBe('CREATING');
  // Read it a minute later on the sandbox's clock, long after it settled.
  const realNow = lab.sandbox.now;
  lab.sandbox.now = () => new Date(Date.now() + 60_000);
  try {
    const out = await dynamodb.send(new DescribeBackupCommand({ BackupArn: BackupDetails!.BackupArn! }));
    return out.BackupDescription?.BackupDetails?.BackupStatus;
  } finally {
    lab.sandbox.now = realNow;
  }
}

beforeAll(async () => {
  lab = await startLab({ scenario: 'guide-world' });
  rds = sandboxClient(RDSClient, lab.sandbox, lab.config.regions.primary);
  dynamodb = sandboxClient(DynamoDBClient, lab.sandbox, lab.config.regions.primary);
});

afterAll(async () => {
  rds.destroy();
  dynamodb.destroy();
  await lab.stop();
});

test('in the guide world, the v1 snapshot and the v1 table backup both succeed', async () => {
  await load('guide-world');
  expect(await snapshotOutcome(lab.config.v1.primaryCluster)).toBe('SUCCESS');
  expect(await settledBackupStatus(lab.config.v1.table)).toBe('AVAILABLE');
});

test('snapshot-fails: the v1 primary cluster snapshot ends failed; the table backup is unaffected', async () => {
  await load('snapshot-fails');
  const outcome = await snapshotOutcome(lab.config.v1.primaryCluster);
  expect(outcome).toBeInstanceOf(Error);
  expect((outcome as Error).message).toContain('"Status":"failed"');
  // Only v1's primary: v2's cluster still snapshots.
  expect(await snapshotOutcome(lab.config.v2.primaryCluster)).toBe('SUCCESS');
  expect(await settledBackupStatus(lab.config.v1.table)).toBe('AVAILABLE');
});

test('backup-fails: the v1 table backup ends DELETED, never AVAILABLE; the snapshot is unaffected', async () => {
  await load('backup-fails');
  expect(await settledBackupStatus(lab.config.v1.table)).toBe('DELETED');
  expect(await settledBackupStatus(lab.config.v2.table)).toBe('AVAILABLE');
  expect(await snapshotOutcome(lab.config.v1.primaryCluster)).toBe('SUCCESS');
  // A missing table is still TableNotFoundException, whatever the scenario.
  expect((await failure(settledBackupStatus('no-such-table'))).name).toBe('TableNotFoundException');
});
