import { DescribeDBInstancesCommand, type DBInstance, type RDSClient } from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import {
  addCluster,
  addGlobalDatabase,
  addInstance,
  CREATED,
  DR,
  PRIMARY,
  rdsClient,
  failure,
} from './test-fixtures.js';

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

describe('DescribeDBInstances', () => {
  it('returns every field of an instance, typed as the SDK models it', async () => {
    addGlobalDatabase(sandbox.world);
    const out = await east1.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'primary-db-instance-v2-dev-0' }),
    );
    expect(out.DBInstances).toHaveLength(1);
    const instance = out.DBInstances![0]!;
    expect(instance).toMatchObject<DBInstance>({
      DBInstanceIdentifier: 'primary-db-instance-v2-dev-0',
      DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:primary-db-instance-v2-dev-0',
      DBInstanceClass: 'db.r6g.large',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      DBInstanceStatus: 'available',
      DBClusterIdentifier: 'primary-db-cluster-v2-dev',
      AvailabilityZone: 'us-east-1a',
      MasterUsername: 'dbadmin',
    });
    expect(instance.Endpoint).toEqual({ Address: '127.0.0.1', Port: 54321 });
    expect(instance.StorageEncrypted).toBe(true);
    expect(instance.MultiAZ).toBe(false);
    expect(instance.PromotionTier).toBe(1);
    expect(instance.InstanceCreateTime).toBeInstanceOf(Date);
    expect(instance.InstanceCreateTime!.getTime()).toBe(CREATED.getTime());
    expect(instance.DbiResourceId).toMatch(/^db-[A-Z2-7]{26}$/);
  });

  it('places the instances of a cluster in different Availability Zones', async () => {
    addGlobalDatabase(sandbox.world);
    const out = await east2.send(new DescribeDBInstancesCommand({}));
    expect(out.DBInstances!.map((i) => [i.DBInstanceIdentifier, i.AvailabilityZone])).toEqual([
      ['dr-db-instance-v2-dev-0', 'us-east-2a'],
      ['dr-db-instance-v2-dev-1', 'us-east-2b'],
    ]);
  });

  it('keeps each region to its own instances', async () => {
    addGlobalDatabase(sandbox.world);
    const [one, two] = await Promise.all([
      east1.send(new DescribeDBInstancesCommand({})),
      east2.send(new DescribeDBInstancesCommand({})),
    ]);
    expect(one.DBInstances!.map((i) => i.DBInstanceIdentifier)).toEqual([
      'primary-db-instance-v2-dev-0',
      'primary-db-instance-v2-dev-1',
    ]);
    expect(two.DBInstances!.every((i) => i.DBClusterIdentifier === 'dr-db-cluster-v2-dev')).toBe(true);
  });

  it('accepts the ARN as identifier', async () => {
    addGlobalDatabase(sandbox.world);
    const arn = 'arn:aws:rds:us-east-2:123456789012:db:dr-db-instance-v2-dev-1';
    const out = await east2.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: arn }));
    expect(out.DBInstances!.map((i) => i.DBInstanceArn)).toEqual([arn]);
  });

  it('answers an unknown instance with wire code DBInstanceNotFound, which the SDK names DBInstanceNotFoundFault (404)', async () => {
    addGlobalDatabase(sandbox.world);
    const error = await failure(east1.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'nope' })));
    expect(error.name).toBe('DBInstanceNotFoundFault');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('filters by db-cluster-id, given as identifier or ARN', async () => {
    const { primary } = addGlobalDatabase(sandbox.world);
    const other = addCluster(sandbox.world, PRIMARY, 'other-cluster');
    addInstance(sandbox.world, other, 'other-instance', { isClusterWriter: true });

    for (const value of [primary.identifier, primary.arn]) {
      const out = await east1.send(
        new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [value] }] }),
      );
      expect(out.DBInstances!.map((i) => i.DBInstanceIdentifier)).toEqual([
        'primary-db-instance-v2-dev-0',
        'primary-db-instance-v2-dev-1',
      ]);
    }

    const unknown = await east1.send(
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: ['missing'] }] }),
    );
    expect(unknown.DBInstances).toEqual([]);
  });

  it('refuses an unknown filter name and an out-of-range MaxRecords with InvalidParameterValue', async () => {
    for (const command of [
      new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-status', Values: ['available'] }] }),
      new DescribeDBInstancesCommand({ MaxRecords: 5 }),
    ]) {
      const error = await failure(east1.send(command));
      expect(error.name).toBe('InvalidParameterValue');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('pages with Marker and returns every instance exactly once', async () => {
    const cluster = addCluster(sandbox.world, PRIMARY, 'big');
    const names = Array.from({ length: 41 }, (_, i) => `big-${String(i).padStart(2, '0')}`);
    names.forEach((name, i) => addInstance(sandbox.world, cluster, name, { isClusterWriter: i === 0 }));

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await east1.send(new DescribeDBInstancesCommand({ MaxRecords: 20, Marker: marker }));
      seen.push(...out.DBInstances!.map((i) => i.DBInstanceIdentifier!));
      marker = out.Marker;
      pages++;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
  });

  it('has no Endpoint for an instance that is still being created', async () => {
    const { primary } = addGlobalDatabase(sandbox.world);
    addInstance(sandbox.world, primary, 'primary-db-instance-v2-dev-2', { status: 'creating' });
    const out = await east1.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'primary-db-instance-v2-dev-2' }),
    );
    expect(out.DBInstances![0]!.DBInstanceStatus).toBe('creating');
    expect(out.DBInstances![0]!.Endpoint).toBeUndefined();
  });
});
