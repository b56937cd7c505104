import {
  DescribeDBClustersCommand,
  paginateDescribeDBClusters,
  waitUntilDBClusterAvailable,
  type DBCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { addCluster, addGlobalDatabase, CREATED, DR, PRIMARY, rdsClient, failure } from './test-fixtures.js';

let sandbox: Sandbox;
let east1: RDSClient;
let east2: RDSClient;

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
  sandbox.faults.clear();
});

describe('DescribeDBClusters', () => {
  it('returns every field of a cluster, typed as the SDK models it', async () => {
    const { primary } = addGlobalDatabase(sandbox.world);
    const out = await east1.send(new DescribeDBClustersCommand({ DBClusterIdentifier: primary.identifier }));

    expect(out.DBClusters).toHaveLength(1);
    const cluster = out.DBClusters![0]!;
    expect(cluster).toMatchObject<DBCluster>({
      DBClusterIdentifier: 'primary-db-cluster-v2-dev',
      DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:primary-db-cluster-v2-dev',
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      Endpoint: '127.0.0.1',
      ReaderEndpoint: '127.0.0.1',
      DatabaseName: 'paymentsdb',
      MasterUsername: 'dbadmin',
      MultiAZ: true,
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    // A wrong envelope or element name parses as undefined or as strings: check the types too.
    expect(cluster.Port).toBe(54321);
    expect(cluster.DeletionProtection).toBe(true);
    expect(cluster.StorageEncrypted).toBe(true);
    expect(cluster.ClusterCreateTime).toBeInstanceOf(Date);
    expect(cluster.ClusterCreateTime!.toISOString()).toBe(CREATED.toISOString());
    expect(cluster.DbClusterResourceId).toMatch(/^cluster-[A-Z2-7]{26}$/);
    expect(cluster.VpcSecurityGroups).toEqual([
      { VpcSecurityGroupId: expect.stringMatching(/^sg-[0-9a-f]{17}$/), Status: 'active' },
    ]);
    expect(cluster.GlobalClusterIdentifier).toBeUndefined();
    expect(out.Marker).toBeUndefined();
  });

  it('lists the members from the instances of the cluster, writer first', async () => {
    addGlobalDatabase(sandbox.world);
    const out = await east1.send(new DescribeDBClustersCommand({}));
    expect(out.DBClusters![0]!.DBClusterMembers).toEqual([
      {
        DBInstanceIdentifier: 'primary-db-instance-v2-dev-0',
        IsClusterWriter: true,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      },
      {
        DBInstanceIdentifier: 'primary-db-instance-v2-dev-1',
        IsClusterWriter: false,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      },
    ]);
  });

  it('gives a cluster without instances an empty member list and MultiAZ false', async () => {
    addCluster(sandbox.world, PRIMARY, 'lonely');
    const out = await east1.send(new DescribeDBClustersCommand({}));
    const cluster = out.DBClusters![0]!;
    expect(cluster.DBClusterIdentifier).toBe('lonely');
    expect(cluster.DBClusterMembers).toEqual([]);
    expect(cluster.MultiAZ).toBe(false);
  });

  it('keeps each region to its own clusters', async () => {
    addGlobalDatabase(sandbox.world);
    const [one, two] = await Promise.all([
      east1.send(new DescribeDBClustersCommand({})),
      east2.send(new DescribeDBClustersCommand({})),
    ]);
    expect(one.DBClusters!.map((c) => c.DBClusterIdentifier)).toEqual(['primary-db-cluster-v2-dev']);
    expect(two.DBClusters!.map((c) => c.DBClusterIdentifier)).toEqual(['dr-db-cluster-v2-dev']);
    expect(two.DBClusters![0]!.Port).toBe(54322);
    expect(two.DBClusters![0]!.AvailabilityZones).toEqual(['us-east-2a', 'us-east-2b', 'us-east-2c']);

    const elsewhere = await failure(
      east2.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'primary-db-cluster-v2-dev' })),
    );
    expect(elsewhere.name).toBe('DBClusterNotFoundFault');
  });

  it('returns an empty list (not an error) when the region has no clusters', async () => {
    const out = await east1.send(new DescribeDBClustersCommand({}));
    expect(out.DBClusters).toEqual([]);
    expect(out.$metadata.httpStatusCode).toBe(200);
  });

  it('accepts the ARN and any letter case as identifier', async () => {
    const { primary } = addGlobalDatabase(sandbox.world);
    for (const identifier of [primary.arn, 'PRIMARY-DB-CLUSTER-V2-DEV']) {
      const out = await east1.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
      expect(out.DBClusters!.map((c) => c.DBClusterIdentifier)).toEqual([primary.identifier]);
    }
  });

  it('answers DBClusterNotFoundFault with HTTP 404 for an unknown cluster', async () => {
    addGlobalDatabase(sandbox.world);
    const error = await failure(east1.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' })));
    expect(error.name).toBe('DBClusterNotFoundFault');
    expect(error.message).toBe('DBCluster nope not found.');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('filters by db-cluster-id (identifier or ARN) and engine', async () => {
    const a = addCluster(sandbox.world, PRIMARY, 'a');
    addCluster(sandbox.world, PRIMARY, 'b');
    addCluster(sandbox.world, PRIMARY, 'c', { engine: 'aurora-mysql' });

    const byId = await east1.send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['b', a.arn] }] }),
    );
    expect(byId.DBClusters!.map((c) => c.DBClusterIdentifier)).toEqual(['a', 'b']);

    const byEngine = await east1.send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'engine', Values: ['aurora-mysql'] }] }),
    );
    expect(byEngine.DBClusters!.map((c) => c.DBClusterIdentifier)).toEqual(['c']);

    const none = await east1.send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['zzz'] }] }),
    );
    expect(none.DBClusters).toEqual([]);
  });

  it('refuses an unknown filter name with InvalidParameterValue (400)', async () => {
    const error = await failure(
      east1.send(new DescribeDBClustersCommand({ Filters: [{ Name: 'status', Values: ['available'] }] })),
    );
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it.each([19, 101])('refuses MaxRecords %i with InvalidParameterValue', async (maxRecords) => {
    const error = await failure(east1.send(new DescribeDBClustersCommand({ MaxRecords: maxRecords })));
    expect(error.name).toBe('InvalidParameterValue');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('pages with Marker and returns every cluster exactly once', async () => {
    const names = Array.from({ length: 45 }, (_, i) => `cluster-${String(i).padStart(2, '0')}`);
    for (const name of [...names].reverse()) addCluster(sandbox.world, PRIMARY, name);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let marker: string | undefined;
    do {
      const out = await east1.send(new DescribeDBClustersCommand({ MaxRecords: 20, Marker: marker }));
      pageSizes.push(out.DBClusters!.length);
      seen.push(...out.DBClusters!.map((c) => c.DBClusterIdentifier!));
      marker = out.Marker;
    } while (marker);

    expect(pageSizes).toEqual([20, 20, 5]);
    expect(seen).toEqual(names);

    // The SDK's paginator follows the same markers.
    const viaPaginator: string[] = [];
    for await (const page of paginateDescribeDBClusters({ client: east1, pageSize: 20 }, {})) {
      viaPaginator.push(...page.DBClusters!.map((c) => c.DBClusterIdentifier!));
    }
    expect(viaPaginator).toEqual(names);
  });

  it('refuses a Marker it did not issue', async () => {
    const error = await failure(east1.send(new DescribeDBClustersCommand({ Marker: 'garbage' })));
    expect(error.name).toBe('InvalidParameterValue');
  });

  it('satisfies waitUntilDBClusterAvailable for an available cluster', async () => {
    addGlobalDatabase(sandbox.world);
    const result = await waitUntilDBClusterAvailable(
      { client: east2, minDelay: 1, maxWaitTime: 5 },
      { DBClusterIdentifier: 'dr-db-cluster-v2-dev' },
    );
    expect(result.state).toBe('SUCCESS');
  });

  it('makes waitUntilDBClusterAvailable fail fast on a deleting cluster', async () => {
    addCluster(sandbox.world, PRIMARY, 'going', { status: 'deleting' });
    await expect(
      waitUntilDBClusterAvailable(
        { client: east1, minDelay: 1, maxWaitTime: 5 },
        { DBClusterIdentifier: 'going' },
      ),
    ).rejects.toThrow(/FAILURE/);
  });
});
