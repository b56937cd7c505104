import {
  DeleteGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  ModifyGlobalClusterCommand,
  RemoveFromGlobalClusterCommand,
  waitUntilDBClusterAvailable,
  type GlobalCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { addGlobalDatabase, DR, PRIMARY, rdsClient, rdsState, refusal } from './test-fixtures.js';

let sandbox: Sandbox;
let east1: RDSClient;
let east2: RDSClient;

const T0 = new Date('2026-03-01T12:00:00.000Z');
const GLOBAL = 'global-db-v2-dev';

function at(ms: number): void {
  sandbox.now = () => new Date(T0.getTime() + ms);
}

function remove(clusterArn: string, client: RDSClient, global = GLOBAL) {
  return client.send(
    new RemoveFromGlobalClusterCommand({ GlobalClusterIdentifier: global, DbClusterIdentifier: clusterArn }),
  );
}

async function describeGlobal(client = east1): Promise<GlobalCluster> {
  const out = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL }));
  expect(out.GlobalClusters).toHaveLength(1);
  return out.GlobalClusters![0]!;
}

async function clusterStatus(identifier: string, client: RDSClient): Promise<string | undefined> {
  const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
  return out.DBClusters![0]!.Status;
}

/** A refused call, and nothing in the world changed. */
async function refused(call: Promise<unknown>, name: string, message?: RegExp | string, status = 400) {
  const before = rdsState(sandbox.world);
  const error = await refusal(call, name, status);
  if (message !== undefined) expect(error.message).toMatch(message);
  expect(rdsState(sandbox.world)).toEqual(before);
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

describe('RemoveFromGlobalCluster', () => {
  it('detaches the secondary at once; it is promoting for promoteMs, then available', async () => {
    const { primary, dr } = addGlobalDatabase(sandbox.world);
    sandbox.world.deletionTimings.promoteMs = 5_000;
    at(0);
    const { GlobalCluster: answered } = await remove(dr.arn, east2);
    expect(answered!.GlobalClusterIdentifier).toBe(GLOBAL);
    expect(answered!.GlobalClusterMembers).toMatchObject([
      { DBClusterArn: primary.arn, IsWriter: true, Readers: [] },
    ]);
    expect((await describeGlobal(east1)).GlobalClusterMembers!.map((m) => m.DBClusterArn)).toEqual([
      primary.arn,
    ]);
    expect(sandbox.world.region(DR).clusters.get(dr.identifier)!.globalClusterIdentifier).toBeUndefined();

    at(4_999);
    expect(await clusterStatus(dr.identifier, east2)).toBe('promoting');
    at(5_000);
    expect(await clusterStatus(dr.identifier, east2)).toBe('available');
  });

  it('lets waitUntilDBClusterAvailable wait out the promotion', async () => {
    const { dr } = addGlobalDatabase(sandbox.world);
    await remove(dr.arn, east2);
    expect(await clusterStatus(dr.identifier, east2)).toBe('promoting');
    const result = await waitUntilDBClusterAvailable(
      { client: east2, maxWaitTime: 30, minDelay: 0.2, maxDelay: 0.5 },
      { DBClusterIdentifier: dr.identifier },
    );
    expect(result.state).toBe('SUCCESS');
    expect(await clusterStatus(dr.identifier, east2)).toBe('available');
  });

  it('detaches the primary once it is the only member', async () => {
    const { primary, dr } = addGlobalDatabase(sandbox.world);
    await remove(dr.arn, east2);
    const { GlobalCluster: answered } = await remove(primary.arn, east1);
    expect(answered!.GlobalClusterMembers).toEqual([]);
    expect(await clusterStatus(primary.identifier, east1)).toBe('promoting');
  });

  it('refuses an unknown global cluster (GlobalClusterNotFoundFault, 404)', async () => {
    const { dr } = addGlobalDatabase(sandbox.world);
    await refused(remove(dr.arn, east2, 'no-such-global'), 'GlobalClusterNotFoundFault', undefined, 404);
  });

  it('refuses a cluster of another region than the call (DBClusterNotFoundFault, 404)', async () => {
    const { dr } = addGlobalDatabase(sandbox.world);
    await refused(remove(dr.arn, east1), 'DBClusterNotFoundFault', undefined, 404);
  });

  it('refuses a plain identifier: AWS takes the cluster ARN', async () => {
    const { dr } = addGlobalDatabase(sandbox.world);
    await refused(remove(dr.identifier, east2), 'InvalidParameterValue', /must be the ARN/);
  });

  it('refuses a cluster that is not a member with InvalidParameterValue', async () => {
    const { dr } = addGlobalDatabase(sandbox.world);
    await remove(dr.arn, east2);
    await refused(
      remove(dr.arn, east2),
      'InvalidParameterValue',
      /is not found in global cluster global-db-v2-dev/,
    );
  });

  it('refuses the primary while a secondary remains (InvalidGlobalClusterStateFault)', async () => {
    const { primary } = addGlobalDatabase(sandbox.world);
    await refused(
      remove(primary.arn, east1),
      'InvalidGlobalClusterStateFault',
      /other global cluster members/,
    );
  });
});

describe('DeleteGlobalCluster', () => {
  function deleteGlobal() {
    return east1.send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL }));
  }

  /** The global database with both members detached. */
  async function emptyGlobal() {
    const world = addGlobalDatabase(sandbox.world);
    await remove(world.dr.arn, east2);
    await remove(world.primary.arn, east1);
    return world;
  }

  it('answers it deleting, keeps it deleting for globalClusterMs, then it is gone', async () => {
    const { global } = await emptyGlobal();
    global.deletionProtection = false;
    sandbox.world.deletionTimings.globalClusterMs = 3_000;
    at(0);
    const { GlobalCluster: answered } = await deleteGlobal();
    expect(answered).toMatchObject({ GlobalClusterIdentifier: GLOBAL, Status: 'deleting' });
    at(2_999);
    expect((await describeGlobal(east2)).Status).toBe('deleting');
    at(3_000);
    await refusal(describeGlobal(east2), 'GlobalClusterNotFoundFault', 404);
    expect(sandbox.world.globalClusters.size).toBe(0);
  });

  it('deletes once deletion protection is off through ModifyGlobalCluster', async () => {
    await emptyGlobal();
    await refused(deleteGlobal(), 'InvalidParameterCombination', /disable deletion protection/);
    const { GlobalCluster: modified } = await east1.send(
      new ModifyGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, DeletionProtection: false }),
    );
    expect(modified!.DeletionProtection).toBe(false);
    expect((await deleteGlobal()).GlobalCluster!.Status).toBe('deleting');
  });

  it('refuses a global cluster that still has members (InvalidGlobalClusterStateFault)', async () => {
    const { global } = addGlobalDatabase(sandbox.world);
    global.deletionProtection = false;
    await refused(
      deleteGlobal(),
      'InvalidGlobalClusterStateFault',
      `Global Cluster ${global.arn} is not empty`,
    );
  });

  it('refuses an unknown global cluster (404) and one already deleting', async () => {
    const { global } = await emptyGlobal();
    global.deletionProtection = false;
    await refused(
      east1.send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: 'no-such-global' })),
      'GlobalClusterNotFoundFault',
      undefined,
      404,
    );
    await deleteGlobal();
    await refused(deleteGlobal(), 'InvalidGlobalClusterStateFault', /is being deleted/);
  });
});

describe('ModifyGlobalCluster', () => {
  it('refuses what the sandbox does not implement rather than ignoring it', async () => {
    addGlobalDatabase(sandbox.world);
    await refused(
      east1.send(
        new ModifyGlobalClusterCommand({
          GlobalClusterIdentifier: GLOBAL,
          DeletionProtection: false,
          NewGlobalClusterIdentifier: 'global-db-v3-dev',
        }),
      ),
      'InvalidParameterCombination',
      /NewGlobalClusterIdentifier is not supported by the sandbox/,
    );
  });

  it('refuses an unknown global cluster (GlobalClusterNotFoundFault, 404)', async () => {
    await refused(
      east1.send(
        new ModifyGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL, DeletionProtection: false }),
      ),
      'GlobalClusterNotFoundFault',
      undefined,
      404,
    );
  });
});
