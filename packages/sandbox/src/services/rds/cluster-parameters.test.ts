import {
  DescribeDBClusterParametersCommand,
  DescribeDBClustersCommand,
  paginateDescribeDBClusterParameters,
  type Parameter,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { setClusterParameter } from './cluster-parameters.js';
import { addCluster, addInstance, failure, PRIMARY, rdsClient } from './test-fixtures.js';

let sandbox: Sandbox;
let rds: RDSClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  rds = rdsClient(sandbox, PRIMARY);
});

afterAll(async () => {
  rds.destroy();
  await sandbox.stop();
});

beforeEach(() => sandbox.world.clear());

async function all(group: string, input: { Source?: string; pageSize?: number } = {}): Promise<Parameter[]> {
  const parameters: Parameter[] = [];
  const pages = paginateDescribeDBClusterParameters(
    { client: rds, pageSize: input.pageSize ?? 100 },
    { DBClusterParameterGroupName: group, ...(input.Source ? { Source: input.Source } : {}) },
  );
  for await (const page of pages) parameters.push(...(page.Parameters ?? []));
  return parameters;
}

describe('DescribeDBClusterParameters', () => {
  it("names a cluster's default group in DescribeDBClusters, where rds.logical_replication is 0", async () => {
    addCluster(sandbox.world, PRIMARY, 'primary-db-cluster-dev');
    const { DBClusters } = await rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'primary-db-cluster-dev' }),
    );
    expect(DBClusters![0]!.DBClusterParameterGroup).toBe('default.aurora-postgresql15');
    const logical = (await all('default.aurora-postgresql15')).find(
      (p) => p.ParameterName === 'rds.logical_replication',
    );
    expect(logical).toEqual<Parameter>({
      ParameterName: 'rds.logical_replication',
      ParameterValue: '0',
      Description: 'Enables logical decoding.',
      Source: 'engine-default',
      ApplyType: 'static',
      DataType: 'boolean',
      AllowedValues: '0,1',
      IsModifiable: true,
      ApplyMethod: 'pending-reboot',
    });
  });

  it('answers a custom group with its own values over the defaults, pages, and filters by name and source', async () => {
    const cluster = addCluster(sandbox.world, PRIMARY, 'primary-db-cluster-dev');
    setClusterParameter(sandbox.world, cluster, 'rds.logical_replication', '1');
    const { DBClusters } = await rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: cluster.identifier }),
    );
    expect(DBClusters![0]!.DBClusterParameterGroup).toBe('primary-db-cluster-dev-params');
    const everything = await all('primary-db-cluster-dev-params', { pageSize: 20 });
    expect(everything.length).toBeGreaterThan(20);
    expect(new Set(everything.map((p) => p.ParameterName)).size).toBe(everything.length);
    expect(await all('primary-db-cluster-dev-params', { Source: 'user' })).toEqual([
      expect.objectContaining({
        ParameterName: 'rds.logical_replication',
        ParameterValue: '1',
        Source: 'user',
      }),
    ]);
    const filtered = await rds.send(
      new DescribeDBClusterParametersCommand({
        DBClusterParameterGroupName: 'primary-db-cluster-dev-params',
        Filters: [{ Name: 'parameter-name', Values: ['max_wal_senders'] }],
      }),
    );
    expect(filtered.Parameters?.map((p) => [p.ParameterName, p.ParameterValue])).toEqual([
      ['max_wal_senders', '20'],
    ]);
  });

  it('shows a changed static parameter as pending-reboot on the members until the writer reboots', async () => {
    const cluster = addCluster(sandbox.world, PRIMARY, 'primary-db-cluster-dev');
    addInstance(sandbox.world, cluster, 'primary-db-instance-0-dev', { isClusterWriter: true });
    setClusterParameter(sandbox.world, cluster, 'rds.logical_replication', '1', { rebooted: false });
    const { DBClusters } = await rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: cluster.identifier }),
    );
    expect(DBClusters![0]!.DBClusterMembers?.map((m) => m.DBClusterParameterGroupStatus)).toEqual([
      'pending-reboot',
    ]);
  });

  it('refuses an unknown group and a missing name, as RDS does', async () => {
    expect(
      await failure(
        rds.send(new DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: 'nope' })),
      ),
    ).toMatchObject({
      name: 'DBParameterGroupNotFoundFault',
      $metadata: { httpStatusCode: 404 },
    });
    expect(
      await failure(
        rds.send(new DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: undefined as never })),
      ),
    ).toMatchObject({ name: 'MissingParameter' });
  });
});
