import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  paginateDescribeDBClusterSnapshots,
  waitUntilDBClusterSnapshotAvailable,
  waitUntilDBClusterSnapshotDeleted,
  type DBClusterSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { addCluster, CREATED, DR, failure, PRIMARY, rdsClient } from './test-fixtures.js';

let sandbox: Sandbox;
let east1: RDSClient;
let east2: RDSClient;

const CLUSTER = 'primary-db-cluster-dev';
const T0 = new Date('2026-03-01T12:00:00.000Z');

/** Moves the sandbox's clock to `ms` after T0. */
function at(ms: number): void {
  sandbox.now = () => new Date(T0.getTime() + ms);
}

function create(identifier: string, cluster = CLUSTER, client = east1) {
  return client.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterIdentifier: cluster,
      DBClusterSnapshotIdentifier: identifier,
      Tags: [
        { Key: 'Purpose', Value: 'PreMigrationBackup' },
        { Key: 'RunUrl', Value: 'https://github.com/o/r/actions/runs/1' },
      ],
    }),
  );
}

async function describe1(identifier: string): Promise<DBClusterSnapshot> {
  const out = await east1.send(
    new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }),
  );
  expect(out.DBClusterSnapshots).toHaveLength(1);
  return out.DBClusterSnapshots![0]!;
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
  addCluster(sandbox.world, PRIMARY, CLUSTER);
});

describe('CreateDBClusterSnapshot', () => {
  it('answers a creating snapshot with every field typed as the SDK models it', async () => {
    at(0);
    const { DBClusterSnapshot: snapshot } = await create('Pre-Migration-R1-1');
    expect(snapshot).toMatchObject<DBClusterSnapshot>({
      // Stored lower-case, as AWS stores it.
      DBClusterSnapshotIdentifier: 'pre-migration-r1-1',
      DBClusterIdentifier: CLUSTER,
      DBClusterSnapshotArn: 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:pre-migration-r1-1',
      Status: 'creating',
      SnapshotType: 'manual',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      MasterUsername: 'dbadmin',
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      TagList: [
        { Key: 'Purpose', Value: 'PreMigrationBackup' },
        { Key: 'RunUrl', Value: 'https://github.com/o/r/actions/runs/1' },
      ],
    });
    // A wrong envelope or element name parses as undefined or strings: check the types too.
    expect(snapshot!.PercentProgress).toBe(0);
    expect(snapshot!.Port).toBe(54321);
    expect(snapshot!.StorageEncrypted).toBe(true);
    expect(snapshot!.SnapshotCreateTime!.toISOString()).toBe(T0.toISOString());
    expect(snapshot!.ClusterCreateTime!.toISOString()).toBe(CREATED.toISOString());
    expect(snapshot!.DbClusterResourceId).toMatch(/^cluster-[A-Z2-7]{26}$/);
  });

  it('moves from creating, with PercentProgress rising, to available on the sandbox clock', async () => {
    sandbox.world.backupTimings.clusterSnapshotMs = 10_000;
    at(0);
    await create('snap-progress');
    const seen: [string | undefined, number | undefined][] = [];
    for (const ms of [2_500, 7_500, 9_999, 10_000, 60_000]) {
      at(ms);
      const snapshot = await describe1('snap-progress');
      seen.push([snapshot.Status, snapshot.PercentProgress]);
    }
    expect(seen).toEqual([
      ['creating', 25],
      ['creating', 75],
      ['creating', 99],
      ['available', 100],
      ['available', 100],
    ]);
  });

  it('ends failed for a cluster whose snapshots the world makes fail', async () => {
    sandbox.world.region(PRIMARY).failingSnapshotClusters.add(CLUSTER);
    sandbox.world.backupTimings.clusterSnapshotMs = 1_000;
    at(0);
    await create('snap-fails');
    expect((await describe1('snap-fails')).Status).toBe('creating');
    at(1_000);
    expect((await describe1('snap-fails')).Status).toBe('failed');
  });

  it('refuses an identifier that exists, in any case, with DBClusterSnapshotAlreadyExistsFault', async () => {
    await create('snap-twice');
    const error = await failure(create('SNAP-TWICE'));
    expect(error.name).toBe('DBClusterSnapshotAlreadyExistsFault');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain('snap-twice');
  });

  it('refuses a missing cluster with DBClusterNotFoundFault (404)', async () => {
    const error = await failure(create('snap-x', 'no-such-cluster'));
    expect(error.name).toBe('DBClusterNotFoundFault');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toContain('no-such-cluster');
    // Clusters are regional: the us-east-1 cluster does not exist in us-east-2.
    expect((await failure(create('snap-x', CLUSTER, east2))).name).toBe('DBClusterNotFoundFault');
  });

  it('refuses a cluster that is not available with InvalidDBClusterStateFault, and takes no snapshot', async () => {
    sandbox.world.region(PRIMARY).clusters.get(CLUSTER)!.status = 'modifying';
    const error = await failure(create('snap-modifying'));
    expect(error.name).toBe('InvalidDBClusterStateFault');
    expect(error.message).toContain('modifying');
    expect((await failure(describe1('snap-modifying'))).name).toBe('DBClusterSnapshotNotFoundFault');
  });

  it.each(['1starts-with-digit', 'two--hyphens', 'ends-with-hyphen-', 'has_underscore', 'a'.repeat(64)])(
    'refuses the identifier %s with InvalidParameterValue',
    async (identifier) => {
      const error = await failure(create(identifier));
      expect(error.name).toBe('InvalidParameterValue');
      expect(error.message).toMatch(/not a valid identifier/);
    },
  );

  it('refuses a request without a snapshot identifier with MissingParameter', async () => {
    const error = await failure(
      east1.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: CLUSTER } as never)),
    );
    expect(error.name).toBe('MissingParameter');
  });
});

describe('waitUntilDBClusterSnapshotAvailable against the sandbox', () => {
  const waiter = { minDelay: 0.1, maxDelay: 0.2, maxWaitTime: 20 };

  it('succeeds once the snapshot is available, having seen it creating', async () => {
    sandbox.world.backupTimings.clusterSnapshotMs = 300;
    await create('snap-wait');
    const before = sandbox.calls('rds').length;
    const result = await waitUntilDBClusterSnapshotAvailable(
      { ...waiter, client: east1 },
      { DBClusterSnapshotIdentifier: 'snap-wait' },
    );
    expect(result.state).toBe('SUCCESS');
    const polls = sandbox
      .calls('rds')
      .slice(before)
      .filter((c) => c.operation === 'DescribeDBClusterSnapshots');
    expect(polls.length).toBeGreaterThan(1);
  });

  it('fails, without waiting out maxWaitTime, when the snapshot ends failed', async () => {
    sandbox.world.region(PRIMARY).failingSnapshotClusters.add(CLUSTER);
    sandbox.world.backupTimings.clusterSnapshotMs = 300;
    await create('snap-wait-fails');
    const error = await failure(
      waitUntilDBClusterSnapshotAvailable(
        { ...waiter, client: east1, maxWaitTime: 600 },
        { DBClusterSnapshotIdentifier: 'snap-wait-fails' },
      ),
    );
    expect(error.name).not.toBe('TimeoutError');
    expect(error.message).toContain('"state":"FAILURE"');
    expect(error.message).toContain('"Status":"failed"');
  });

  it('waitUntilDBClusterSnapshotDeleted succeeds on a snapshot that does not exist', async () => {
    const result = await waitUntilDBClusterSnapshotDeleted(
      { ...waiter, client: east1 },
      { DBClusterSnapshotIdentifier: 'never-taken' },
    );
    expect(result.state).toBe('SUCCESS');
  });
});

describe('DescribeDBClusterSnapshots', () => {
  it('refuses a missing identifier with DBClusterSnapshotNotFoundFault (404)', async () => {
    const error = await failure(describe1('no-such-snapshot'));
    expect(error.name).toBe('DBClusterSnapshotNotFoundFault');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('finds a snapshot by identifier in any case or by ARN, only in its region', async () => {
    await create('snap-find');
    expect((await describe1('SNAP-FIND')).DBClusterSnapshotIdentifier).toBe('snap-find');
    const arn = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap-find';
    expect((await describe1(arn)).DBClusterSnapshotIdentifier).toBe('snap-find');
    const error = await failure(
      east2.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'snap-find' })),
    );
    expect(error.name).toBe('DBClusterSnapshotNotFoundFault');
  });

  it('lists a cluster snapshots by DBClusterIdentifier; another cluster, or none, has an empty list', async () => {
    addCluster(sandbox.world, PRIMARY, 'other-cluster');
    await create('snap-a');
    await create('snap-b');
    await create('snap-other', 'other-cluster');
    const mine = await east1.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: CLUSTER }));
    expect(mine.DBClusterSnapshots!.map((s) => s.DBClusterSnapshotIdentifier)).toEqual(['snap-a', 'snap-b']);
    const none = await east1.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'no-such' }));
    expect(none.DBClusterSnapshots).toEqual([]);
    const byFilter = await east1.send(
      new DescribeDBClusterSnapshotsCommand({
        Filters: [{ Name: 'db-cluster-id', Values: ['other-cluster'] }],
      }),
    );
    expect(byFilter.DBClusterSnapshots!.map((s) => s.DBClusterSnapshotIdentifier)).toEqual(['snap-other']);
  });

  it('filters by SnapshotType: every snapshot taken through the API is manual', async () => {
    await create('snap-manual');
    const manual = await east1.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }));
    expect(manual.DBClusterSnapshots).toHaveLength(1);
    const automated = await east1.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'automated' }));
    expect(automated.DBClusterSnapshots).toEqual([]);
    const error = await failure(
      east1.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'weekly' })),
    );
    expect(error.name).toBe('InvalidParameterValue');
  });

  it('refuses DBClusterIdentifier together with DBClusterSnapshotIdentifier', async () => {
    await create('snap-both');
    const error = await failure(
      east1.send(
        new DescribeDBClusterSnapshotsCommand({
          DBClusterIdentifier: CLUSTER,
          DBClusterSnapshotIdentifier: 'snap-both',
        }),
      ),
    );
    expect(error.name).toBe('InvalidParameterCombination');
  });

  it('pages with MaxRecords and Marker through the SDK paginator, and refuses MaxRecords under 20', async () => {
    for (let i = 0; i < 25; i++) await create(`snap-page-${String(i).padStart(2, '0')}`);
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateDescribeDBClusterSnapshots(
      { client: east1, pageSize: 20 },
      { DBClusterIdentifier: CLUSTER },
    )) {
      pages.push(page.DBClusterSnapshots!.length);
      ids.push(...page.DBClusterSnapshots!.map((s) => s.DBClusterSnapshotIdentifier!));
    }
    expect(pages).toEqual([20, 5]);
    expect(new Set(ids).size).toBe(25);
    const error = await failure(east1.send(new DescribeDBClusterSnapshotsCommand({ MaxRecords: 10 })));
    expect(error.name).toBe('InvalidParameterValue');
  });
});
