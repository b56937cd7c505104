import {
  CreateDBClusterSnapshotCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  ModifyDBClusterCommand,
  waitUntilDBClusterDeleted,
  type DBCluster,
  type DeleteDBClusterCommandInput,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import {
  addCluster,
  addGlobalDatabase,
  addInstance,
  DR,
  PRIMARY,
  rdsClient,
  rdsState,
  refusal,
} from './test-fixtures.js';

let sandbox: Sandbox;
let east1: RDSClient;
let east2: RDSClient;

const T0 = new Date('2026-03-01T12:00:00.000Z');
/** A standalone cluster, as the primary is once detached from its global cluster. */
const CLUSTER = 'primary-db-cluster-v2-dev';

function at(ms: number): void {
  sandbox.now = () => new Date(T0.getTime() + ms);
}

function deleteCluster(input: Partial<DeleteDBClusterCommandInput> = {}, client = east1) {
  return client.send(
    new DeleteDBClusterCommand({ DBClusterIdentifier: CLUSTER, SkipFinalSnapshot: true, ...input }),
  );
}

async function describeCluster(identifier = CLUSTER, client = east1): Promise<DBCluster> {
  const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
  expect(out.DBClusters).toHaveLength(1);
  return out.DBClusters![0]!;
}

/** A cluster without instances or global cluster, deletion protection off: ready to delete. */
function addDeletableCluster(overrides: Parameters<typeof addCluster>[3] = {}) {
  return addCluster(sandbox.world, PRIMARY, CLUSTER, { deletionProtection: false, ...overrides });
}

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

beforeEach(() => {
  sandbox.world.clear();
  sandbox.now = () => new Date();
});

describe('DeleteDBCluster', () => {
  it('answers the cluster deleting, keeps it deleting for clusterMs, then it is gone from the world', async () => {
    addDeletableCluster();
    sandbox.world.deletionTimings.clusterMs = 10_000;
    at(0);
    const { DBCluster: answered } = await deleteCluster();
    expect(answered).toMatchObject<DBCluster>({ DBClusterIdentifier: CLUSTER, Status: 'deleting' });
    expect(answered!.Port).toBe(54321);

    at(9_999);
    expect((await describeCluster()).Status).toBe('deleting');
    at(10_000);
    await refusal(describeCluster(), 'DBClusterNotFoundFault', 404);
    // The fleet and everything else reading the world no longer find it.
    expect(sandbox.world.region(PRIMARY).clusters.has(CLUSTER)).toBe(false);
  });

  it('lets waitUntilDBClusterDeleted poll it deleting, then succeed on DBClusterNotFoundFault', async () => {
    addDeletableCluster();
    await deleteCluster();
    const before = sandbox.calls('rds').length;
    const result = await waitUntilDBClusterDeleted(
      { client: east1, maxWaitTime: 30, minDelay: 0.2, maxDelay: 0.5 },
      { DBClusterIdentifier: CLUSTER },
    );
    expect(result.state).toBe('SUCCESS');
    const polls = sandbox
      .calls('rds')
      .slice(before)
      .map((call) => call.status);
    expect(polls[0]).toBe(200);
    expect(polls[polls.length - 1]).toBe(404);
  });

  it('deletes a cluster whose instances are all deleting, and they go with it', async () => {
    const cluster = addDeletableCluster();
    addInstance(sandbox.world, cluster, 'primary-db-instance-v2-dev-0', { isClusterWriter: true });
    sandbox.world.deletionTimings = {
      ...sandbox.world.deletionTimings,
      instanceMs: 60_000,
      clusterMs: 1_000,
    };
    at(0);
    await east1.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'primary-db-instance-v2-dev-0' }));
    expect((await deleteCluster()).DBCluster!.DBClusterMembers).toHaveLength(1);
    at(1_000);
    await refusal(describeCluster(), 'DBClusterNotFoundFault', 404);
    expect(sandbox.world.region(PRIMARY).instances.size).toBe(0);
  });

  it('takes the final snapshot, which stays available after the cluster has gone', async () => {
    addDeletableCluster();
    sandbox.world.backupTimings.clusterSnapshotMs = 1_000;
    sandbox.world.deletionTimings.clusterMs = 2_000;
    at(0);
    await deleteCluster({ SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: 'Final-Primary-V2' });
    at(5_000);
    await refusal(describeCluster(), 'DBClusterNotFoundFault', 404);
    const out = await east1.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: CLUSTER }));
    expect(out.DBClusterSnapshots).toMatchObject([
      { DBClusterSnapshotIdentifier: 'final-primary-v2', SnapshotType: 'manual', Status: 'available' },
    ]);
  });

  it('keeps the manual snapshots taken before the deletion', async () => {
    addDeletableCluster();
    sandbox.world.backupTimings.clusterSnapshotMs = 1_000;
    at(0);
    await east1.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: CLUSTER,
        DBClusterSnapshotIdentifier: 'pre-cleanup',
      }),
    );
    at(1_000);
    await deleteCluster();
    at(1_000 + sandbox.world.deletionTimings.clusterMs);
    await refusal(describeCluster(), 'DBClusterNotFoundFault', 404);
    const out = await east1.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'pre-cleanup' }),
    );
    expect(out.DBClusterSnapshots).toMatchObject([{ DBClusterIdentifier: CLUSTER, Status: 'available' }]);
  });

  it('deletes once deletion protection is off through ModifyDBCluster', async () => {
    addCluster(sandbox.world, PRIMARY, CLUSTER);
    await refusal(deleteCluster(), 'InvalidParameterCombination');
    const { DBCluster: modified } = await east1.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: CLUSTER,
        DeletionProtection: false,
        ApplyImmediately: true,
      }),
    );
    expect(modified).toMatchObject({
      DBClusterIdentifier: CLUSTER,
      DeletionProtection: false,
      Status: 'available',
    });
    expect((await describeCluster()).DeletionProtection).toBe(false);
    expect((await deleteCluster()).DBCluster!.Status).toBe('deleting');
  });

  describe('refuses, leaving the world as it was', () => {
    let before: unknown;
    /** The refusal happened and nothing in the world changed. */
    async function refused(call: Promise<unknown>, name: string, message?: RegExp | string, status = 400) {
      before = rdsState(sandbox.world);
      const error = await refusal(call, name, status);
      if (message !== undefined) expect(error.message).toMatch(message);
      expect(rdsState(sandbox.world)).toEqual(before);
    }

    it('an unknown cluster, or one of another region (DBClusterNotFoundFault, 404)', async () => {
      addGlobalDatabase(sandbox.world);
      await refused(
        deleteCluster({ DBClusterIdentifier: 'no-such-cluster' }),
        'DBClusterNotFoundFault',
        undefined,
        404,
      );
      await refused(
        deleteCluster({ DBClusterIdentifier: 'dr-db-cluster-v2-dev' }, east1),
        'DBClusterNotFoundFault',
        undefined,
        404,
      );
    });

    it('a deletion-protected cluster', async () => {
      addCluster(sandbox.world, PRIMARY, CLUSTER);
      await refused(
        deleteCluster(),
        'InvalidParameterCombination',
        'Cannot delete protected Cluster, please disable deletion protection and try again.',
      );
    });

    it('a cluster with instances that are not deleting', async () => {
      const cluster = addDeletableCluster();
      addInstance(sandbox.world, cluster, 'primary-db-instance-v2-dev-0', { isClusterWriter: true });
      await refused(
        deleteCluster(),
        'InvalidDBClusterStateFault',
        'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
      );
    });

    it('a secondary that is still a member of its global cluster', async () => {
      const { dr } = addGlobalDatabase(sandbox.world);
      dr.deletionProtection = false;
      await refused(
        deleteCluster({ DBClusterIdentifier: dr.identifier }, east2),
        'InvalidDBClusterStateFault',
        /secondary member of global cluster global-db-v2-dev/,
      );
    });

    it('the primary while the global cluster has other members (InvalidGlobalClusterStateFault)', async () => {
      const { primary } = addGlobalDatabase(sandbox.world);
      primary.deletionProtection = false;
      await refused(
        deleteCluster({ DBClusterIdentifier: primary.identifier }),
        'InvalidGlobalClusterStateFault',
        'Unable to delete cluster that is a primary member of global cluster while there are other global cluster members',
      );
    });

    it('the primary while it is still the sole member of its global cluster', async () => {
      const { primary, global } = addGlobalDatabase(sandbox.world);
      primary.deletionProtection = false;
      global.members = global.members.filter((member) => member.isWriter);
      await refused(
        deleteCluster({ DBClusterIdentifier: primary.identifier }),
        'InvalidDBClusterStateFault',
        /still the primary member of global cluster/,
      );
    });

    it('a cluster that is not available (promoting after leaving its global cluster)', async () => {
      addDeletableCluster({ status: 'promoting' });
      await refused(deleteCluster(), 'InvalidDBClusterStateFault', /is promoting/);
      await refused(
        deleteCluster({ SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: 'final' }),
        'InvalidDBClusterStateFault',
      );
    });

    it('a cluster that is already deleting', async () => {
      addDeletableCluster();
      await deleteCluster();
      await refused(deleteCluster(), 'InvalidDBClusterStateFault', /is deleting/);
    });

    it('no final snapshot without SkipFinalSnapshot (the default is to take one)', async () => {
      addDeletableCluster();
      await refused(
        east1.send(new DeleteDBClusterCommand({ DBClusterIdentifier: CLUSTER })),
        'InvalidParameterCombination',
        'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
      );
    });

    it('both SkipFinalSnapshot and FinalDBSnapshotIdentifier', async () => {
      addDeletableCluster();
      await refused(
        deleteCluster({ SkipFinalSnapshot: true, FinalDBSnapshotIdentifier: 'final' }),
        'InvalidParameterCombination',
        'You cannot specify both FinalDBSnapshotIdentifier and SkipFinalSnapshot',
      );
    });

    it('a final snapshot identifier that is invalid or already taken', async () => {
      addDeletableCluster();
      await refused(
        deleteCluster({ SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: 'final--snapshot' }),
        'InvalidParameterValue',
        /FinalDBSnapshotIdentifier is not a valid identifier/,
      );
      await east1.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: CLUSTER,
          DBClusterSnapshotIdentifier: 'final',
        }),
      );
      await refused(
        deleteCluster({ SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: 'final' }),
        'DBClusterSnapshotAlreadyExistsFault',
      );
    });
  });
});

describe('ModifyDBCluster', () => {
  it('turns deletion protection back on', async () => {
    addDeletableCluster();
    await east1.send(new ModifyDBClusterCommand({ DBClusterIdentifier: CLUSTER, DeletionProtection: true }));
    expect(sandbox.world.region(PRIMARY).clusters.get(CLUSTER)!.deletionProtection).toBe(true);
  });

  it('refuses what the sandbox does not implement rather than ignoring it', async () => {
    addCluster(sandbox.world, PRIMARY, CLUSTER);
    const before = rdsState(sandbox.world);
    const error = await refusal(
      east1.send(
        new ModifyDBClusterCommand({ DBClusterIdentifier: CLUSTER, DeletionProtection: false, Port: 6543 }),
      ),
      'InvalidParameterCombination',
    );
    expect(error.message).toMatch(/Port is not supported by the sandbox/);
    expect(rdsState(sandbox.world)).toEqual(before);
  });

  it('refuses an unknown cluster (404) and one that is not available', async () => {
    addCluster(sandbox.world, PRIMARY, CLUSTER, { status: 'promoting' });
    const before = rdsState(sandbox.world);
    await refusal(
      east1.send(
        new ModifyDBClusterCommand({ DBClusterIdentifier: 'no-such-cluster', DeletionProtection: false }),
      ),
      'DBClusterNotFoundFault',
      404,
    );
    await refusal(
      east1.send(new ModifyDBClusterCommand({ DBClusterIdentifier: CLUSTER, DeletionProtection: false })),
      'InvalidDBClusterStateFault',
    );
    expect(rdsState(sandbox.world)).toEqual(before);
  });
});
