import { DescribeGlobalClustersCommand, type RDSClient } from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { addCluster, addGlobalDatabase, DR, PRIMARY, rdsClient, failure } from './test-fixtures.js';

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

beforeEach(() => sandbox.world.clear());

describe('DescribeGlobalClusters', () => {
  it('returns the global cluster (items are <GlobalClusterMember>) with typed fields', async () => {
    addGlobalDatabase(sandbox.world);
    const out = await east1.send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'global-db-v2-dev' }),
    );

    // Under any other item element name this list parses as empty.
    expect(out.GlobalClusters).toHaveLength(1);
    const global = out.GlobalClusters![0]!;
    expect(global).toMatchObject({
      GlobalClusterIdentifier: 'global-db-v2-dev',
      GlobalClusterArn: 'arn:aws:rds::123456789012:global-cluster:global-db-v2-dev',
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
    });
    expect(global.GlobalClusterResourceId).toMatch(/^cluster-[0-9a-f]{16}$/);
    expect(global.StorageEncrypted).toBe(true);
    expect(global.DeletionProtection).toBe(true);
  });

  it('lists the members; the writer reads out to the others, a secondary has no readers', async () => {
    const { primary, dr } = addGlobalDatabase(sandbox.world);
    const out = await east2.send(new DescribeGlobalClustersCommand({}));
    expect(out.GlobalClusters![0]!.GlobalClusterMembers).toEqual([
      {
        DBClusterArn: primary.arn,
        Readers: [dr.arn],
        IsWriter: true,
        GlobalWriteForwardingStatus: 'disabled',
        SynchronizationStatus: 'connected',
      },
      {
        DBClusterArn: dr.arn,
        Readers: [],
        IsWriter: false,
        GlobalWriteForwardingStatus: 'disabled',
        SynchronizationStatus: 'connected',
      },
    ]);
  });

  it('shows the same global clusters from every region', async () => {
    addGlobalDatabase(sandbox.world, 'dev');
    addGlobalDatabase(sandbox.world, 'prod');
    const [one, two] = await Promise.all([
      east1.send(new DescribeGlobalClustersCommand({})),
      east2.send(new DescribeGlobalClustersCommand({})),
    ]);
    const ids = ['global-db-v2-dev', 'global-db-v2-prod'];
    expect(one.GlobalClusters!.map((g) => g.GlobalClusterIdentifier)).toEqual(ids);
    expect(two.GlobalClusters!.map((g) => g.GlobalClusterIdentifier)).toEqual(ids);
  });

  it('filters by region: global clusters with a member there', async () => {
    addGlobalDatabase(sandbox.world);
    const west = addCluster(sandbox.world, 'us-west-2', 'west');
    sandbox.world.globalClusters.set('west-only', {
      identifier: 'west-only',
      arn: 'arn:aws:rds::123456789012:global-cluster:west-only',
      status: 'available',
      engine: 'aurora-postgresql',
      engineVersion: '15.4',
      storageEncrypted: false,
      deletionProtection: false,
      members: [{ clusterArn: west.arn, isWriter: true }],
    });
    const out = await east1.send(
      new DescribeGlobalClustersCommand({ Filters: [{ Name: 'region', Values: ['us-east-2'] }] }),
    );
    expect(out.GlobalClusters!.map((g) => g.GlobalClusterIdentifier)).toEqual(['global-db-v2-dev']);
    const all = await east1.send(new DescribeGlobalClustersCommand({}));
    expect(all.GlobalClusters).toHaveLength(2);
  });

  it('answers GlobalClusterNotFoundFault with HTTP 404 for an unknown global cluster', async () => {
    addGlobalDatabase(sandbox.world);
    const error = await failure(
      east1.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'nope' })),
    );
    expect(error.name).toBe('GlobalClusterNotFoundFault');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('refuses an unknown filter and an out-of-range MaxRecords with InvalidParameterValue', async () => {
    for (const command of [
      new DescribeGlobalClustersCommand({ Filters: [{ Name: 'engine', Values: ['aurora-postgresql'] }] }),
      new DescribeGlobalClustersCommand({ MaxRecords: 1000 }),
    ]) {
      const error = await failure(east1.send(command));
      expect(error.name).toBe('InvalidParameterValue');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('pages with Marker and returns every global cluster exactly once', async () => {
    const envs = Array.from({ length: 21 }, (_, i) => `e${String(i).padStart(2, '0')}`);
    for (const env of envs) addGlobalDatabase(sandbox.world, env);
    const first = await east1.send(new DescribeGlobalClustersCommand({ MaxRecords: 20 }));
    expect(first.GlobalClusters).toHaveLength(20);
    expect(first.Marker).toBeDefined();
    const second = await east1.send(
      new DescribeGlobalClustersCommand({ MaxRecords: 20, Marker: first.Marker }),
    );
    expect(second.Marker).toBeUndefined();
    expect(
      [...first.GlobalClusters!, ...second.GlobalClusters!].map((g) => g.GlobalClusterIdentifier),
    ).toEqual(envs.map((env) => `global-db-v2-${env}`));
  });
});
