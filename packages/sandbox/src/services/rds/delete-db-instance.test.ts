import {
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  waitUntilDBInstanceDeleted,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { addGlobalDatabase, DR, PRIMARY, rdsClient, rdsState, refusal } from './test-fixtures.js';

let sandbox: Sandbox;
let east1: RDSClient;
let east2: RDSClient;

const T0 = new Date('2026-03-01T12:00:00.000Z');
const WRITER = 'primary-db-instance-v2-dev-0';
const READER = 'primary-db-instance-v2-dev-1';

/** Moves the sandbox's clock to `ms` after T0. */
function at(ms: number): void {
  sandbox.now = () => new Date(T0.getTime() + ms);
}

function deleteInstance(identifier: string, client = east1, extra: { SkipFinalSnapshot?: boolean } = {}) {
  return client.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: identifier, ...extra }));
}

async function describeInstance(identifier: string, client = east1): Promise<DBInstance> {
  const out = await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: identifier }));
  expect(out.DBInstances).toHaveLength(1);
  return out.DBInstances![0]!;
}

async function memberIds(cluster: string, client = east1): Promise<(string | undefined)[]> {
  const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }));
  return out.DBClusters![0]!.DBClusterMembers!.map((member) => member.DBInstanceIdentifier);
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

describe('DeleteDBInstance', () => {
  it('answers the instance deleting, keeps it deleting for instanceMs, then it is gone', async () => {
    const { primary } = addGlobalDatabase(sandbox.world);
    sandbox.world.deletionTimings.instanceMs = 10_000;
    at(0);
    const { DBInstance: answered } = await deleteInstance(READER, east1, { SkipFinalSnapshot: true });
    expect(answered).toMatchObject<DBInstance>({
      DBInstanceIdentifier: READER,
      DBInstanceStatus: 'deleting',
      DBClusterIdentifier: primary.identifier,
      Engine: 'aurora-postgresql',
    });

    at(9_999);
    expect((await describeInstance(READER)).DBInstanceStatus).toBe('deleting');
    expect(await memberIds(primary.identifier)).toEqual([WRITER, READER]);

    at(10_000);
    await refusal(describeInstance(READER), 'DBInstanceNotFoundFault', 404);
    expect(await memberIds(primary.identifier)).toEqual([WRITER]);
    // Purged from the world itself, not only hidden from the answers.
    expect([...sandbox.world.region(PRIMARY).instances.keys()]).not.toContain(READER);
  });

  it('lets waitUntilDBInstanceDeleted poll it deleting, then succeed on DBInstanceNotFoundFault', async () => {
    const { dr } = addGlobalDatabase(sandbox.world);
    const instance = 'dr-db-instance-v2-dev-0';
    await deleteInstance(instance, east2);
    const before = sandbox.calls('rds').length;

    const result = await waitUntilDBInstanceDeleted(
      { client: east2, maxWaitTime: 30, minDelay: 0.2, maxDelay: 0.5 },
      { DBInstanceIdentifier: instance },
    );

    expect(result.state).toBe('SUCCESS');
    const polls = sandbox
      .calls('rds')
      .slice(before)
      .map((call) => call.status);
    // At least one poll found it deleting (200) before the last one found it gone (404).
    expect(polls[0]).toBe(200);
    expect(polls[polls.length - 1]).toBe(404);
    expect(await memberIds(dr.identifier, east2)).toEqual(['dr-db-instance-v2-dev-1']);
  });

  it('fails over to a reader when the writer instance has gone', async () => {
    const { primary } = addGlobalDatabase(sandbox.world);
    sandbox.world.deletionTimings.instanceMs = 1_000;
    at(0);
    await deleteInstance(WRITER);
    at(1_000);
    const out = await east1.send(new DescribeDBClustersCommand({ DBClusterIdentifier: primary.identifier }));
    expect(out.DBClusters![0]!.DBClusterMembers).toMatchObject([
      { DBInstanceIdentifier: READER, IsClusterWriter: true },
    ]);
  });

  it('refuses an unknown instance, and an instance of another region, with DBInstanceNotFoundFault (404)', async () => {
    addGlobalDatabase(sandbox.world);
    const before = rdsState(sandbox.world);
    await refusal(deleteInstance('no-such-instance'), 'DBInstanceNotFoundFault', 404);
    await refusal(deleteInstance('dr-db-instance-v2-dev-0', east1), 'DBInstanceNotFoundFault', 404);
    expect(rdsState(sandbox.world)).toEqual(before);
  });

  it('refuses an instance that is already deleting with InvalidDBInstanceStateFault', async () => {
    addGlobalDatabase(sandbox.world);
    at(0);
    await deleteInstance(READER);
    const before = rdsState(sandbox.world);
    at(500);
    const error = await refusal(deleteInstance(READER), 'InvalidDBInstanceStateFault');
    expect(error.message).toBe(`Instance ${READER} is already being deleted.`);
    // Its deletion did not start over.
    expect(rdsState(sandbox.world)).toEqual(before);
  });

  it('refuses a final snapshot of a cluster instance with InvalidParameterCombination', async () => {
    addGlobalDatabase(sandbox.world);
    const before = rdsState(sandbox.world);
    const error = await refusal(
      east1.send(
        new DeleteDBInstanceCommand({ DBInstanceIdentifier: READER, FinalDBSnapshotIdentifier: 'final' }),
      ),
      'InvalidParameterCombination',
    );
    expect(error.message).toMatch(/FinalDBSnapshotIdentifier can not be specified/);
    expect(rdsState(sandbox.world)).toEqual(before);
  });

  it('refuses the last instance of the primary while the global database has a secondary', async () => {
    addGlobalDatabase(sandbox.world);
    await deleteInstance(READER);
    const before = rdsState(sandbox.world);
    const error = await refusal(deleteInstance(WRITER), 'InvalidDBClusterStateFault');
    expect(error.message).toMatch(/^Cannot delete the last instance of the master cluster/);
    expect(rdsState(sandbox.world)).toEqual(before);
  });

  it('deletes every instance of a secondary, and the last one of a primary that is alone', async () => {
    const { global } = addGlobalDatabase(sandbox.world);
    await deleteInstance('dr-db-instance-v2-dev-0', east2);
    await deleteInstance('dr-db-instance-v2-dev-1', east2);
    // With the secondary detached, the primary is the only member: its last instance may go.
    global.members = global.members.filter((member) => member.isWriter);
    await deleteInstance(READER);
    expect((await deleteInstance(WRITER)).DBInstance!.DBInstanceStatus).toBe('deleting');
  });
});
