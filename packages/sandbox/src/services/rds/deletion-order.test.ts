import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DeleteGlobalClusterCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeGlobalClustersCommand,
  ModifyDBClusterCommand,
  ModifyGlobalClusterCommand,
  RemoveFromGlobalClusterCommand,
  waitUntilDBClusterAvailable,
  waitUntilDBClusterDeleted,
  waitUntilDBClusterSnapshotAvailable,
  waitUntilDBInstanceDeleted,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sandbox } from '../../server.js';
import type { DbCluster } from '../../world/types.js';
import { DEFAULT_DELETION_TIMINGS } from '../../world/world.js';
import { addGlobalDatabase, DR, failure, PRIMARY, rdsClient } from './test-fixtures.js';

/*
 * The whole teardown of a global database in AWS's order (../shared/reference/aws.md §8), on the real
 * clock with the default timings and the SDK's own waiters, as the cleanup will run it.
 */

let sandbox: Sandbox;
let east1: RDSClient;
let east2: RDSClient;

/** Polls often enough to see each state of the default timings at least once. */
const waiting = (client: RDSClient) => ({ client, maxWaitTime: 60, minDelay: 0.2, maxDelay: 0.5 });

beforeAll(async () => {
  sandbox = await Sandbox.start();
  east1 = rdsClient(sandbox, PRIMARY);
  east2 = rdsClient(sandbox, DR);
});

afterAll(async () => {
  east1.destroy();
  east2.destroy();
  await sandbox.stop();
});

beforeEach(() => sandbox.world.clear());

/** Detach from the global cluster and wait out the promotion. */
async function detach(client: RDSClient, cluster: DbCluster, global: string): Promise<void> {
  await client.send(
    new RemoveFromGlobalClusterCommand({ GlobalClusterIdentifier: global, DbClusterIdentifier: cluster.arn }),
  );
  await waitUntilDBClusterAvailable(waiting(client), { DBClusterIdentifier: cluster.identifier });
}

/** Delete the instances (as the guide does, skipping final snapshots) and wait until they are gone. */
async function deleteInstances(client: RDSClient, identifiers: string[]): Promise<void> {
  for (const id of identifiers) {
    const { DBInstance } = await client.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }),
    );
    expect(DBInstance!.DBInstanceStatus).toBe('deleting');
  }
  for (const id of identifiers) {
    await waitUntilDBInstanceDeleted(waiting(client), { DBInstanceIdentifier: id });
  }
}

/** Turn deletion protection off, delete the cluster, and wait until it is gone. */
async function deleteCluster(client: RDSClient, cluster: DbCluster, finalSnapshot?: string): Promise<void> {
  await client.send(
    new ModifyDBClusterCommand({
      DBClusterIdentifier: cluster.identifier,
      DeletionProtection: false,
      ApplyImmediately: true,
    }),
  );
  const { DBCluster } = await client.send(
    new DeleteDBClusterCommand({
      DBClusterIdentifier: cluster.identifier,
      ...(finalSnapshot ? { FinalDBSnapshotIdentifier: finalSnapshot } : { SkipFinalSnapshot: true }),
    }),
  );
  expect(DBCluster!.Status).toBe('deleting');
  await waitUntilDBClusterDeleted(waiting(client), { DBClusterIdentifier: cluster.identifier });
}

/** No waiter exists for global clusters: poll DescribeGlobalClusters until it is not found. */
async function globalClusterGone(identifier: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await east1.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: identifier }));
    } catch (error) {
      return (error as Error).name;
    }
    await sleep(100);
  }
  throw new Error(`${identifier} was never deleted`);
}

it('tears the global database down in AWS order with the SDK waiters', async () => {
  expect(sandbox.world.deletionTimings).toEqual(DEFAULT_DELETION_TIMINGS);
  const { primary, dr, global } = addGlobalDatabase(sandbox.world);

  // Secondary first: detach it, delete its instances, then the cluster.
  await detach(east2, dr, global.identifier);
  await deleteInstances(east2, ['dr-db-instance-v2-dev-0', 'dr-db-instance-v2-dev-1']);
  await deleteCluster(east2, dr);

  // Then the primary, keeping a final snapshot.
  await detach(east1, primary, global.identifier);
  await deleteInstances(east1, ['primary-db-instance-v2-dev-1', 'primary-db-instance-v2-dev-0']);
  await deleteCluster(east1, primary, 'final-primary-db-cluster-v2-dev');

  // Last, the global cluster, now without members.
  await east1.send(
    new ModifyGlobalClusterCommand({ GlobalClusterIdentifier: global.identifier, DeletionProtection: false }),
  );
  const { GlobalCluster } = await east1.send(
    new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: global.identifier }),
  );
  expect(GlobalCluster!.Status).toBe('deleting');
  expect(await globalClusterGone(global.identifier)).toBe('GlobalClusterNotFoundFault');

  for (const region of [PRIMARY, DR]) {
    expect(sandbox.world.region(region).clusters.size).toBe(0);
    expect(sandbox.world.region(region).instances.size).toBe(0);
  }
  expect(sandbox.world.globalClusters.size).toBe(0);
  // The final snapshot outlives its cluster.
  await waitUntilDBClusterSnapshotAvailable(waiting(east1), {
    DBClusterSnapshotIdentifier: 'final-primary-db-cluster-v2-dev',
  });
  const out = await east1.send(
    new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: primary.identifier }),
  );
  expect(out.DBClusterSnapshots!.map((s) => [s.DBClusterSnapshotIdentifier, s.Status])).toEqual([
    ['final-primary-db-cluster-v2-dev', 'available'],
  ]);
});

it('refuses the same steps out of order', async () => {
  const { primary, dr, global } = addGlobalDatabase(sandbox.world);
  primary.deletionProtection = false;
  dr.deletionProtection = false;
  global.deletionProtection = false;

  // The global cluster while it has members, the primary before its secondary.
  const early = await failure(
    east1.send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: global.identifier })),
  );
  expect(early.name).toBe('InvalidGlobalClusterStateFault');
  const primaryFirst = await failure(
    east1.send(
      new RemoveFromGlobalClusterCommand({
        GlobalClusterIdentifier: global.identifier,
        DbClusterIdentifier: primary.arn,
      }),
    ),
  );
  expect(primaryFirst.name).toBe('InvalidGlobalClusterStateFault');
  // The secondary's cluster before it is detached and while it has instances.
  const attached = await failure(
    east2.send(new DeleteDBClusterCommand({ DBClusterIdentifier: dr.identifier, SkipFinalSnapshot: true })),
  );
  expect(attached.name).toBe('InvalidDBClusterStateFault');
  expect(sandbox.world.globalClusters.get(global.identifier)!.members).toHaveLength(2);
});
