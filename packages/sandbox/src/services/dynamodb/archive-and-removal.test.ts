import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeExportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  waitUntilExportCompleted,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, ListObjectsV2Command, S3Client, waitUntilBucketExists } from '@aws-sdk/client-s3';
import { Sandbox } from '../../server.js';
import { failure, sandboxClient } from '../../test-support.js';
import { addBucket } from '../../world/world.js';

/*
 * What Phase 4 asks of DynamoDB and S3: an export to S3 awaited with the SDK's waiter and its files
 * listed, a failed export, and a global table taken down in order (replica, then table), out of order
 * refused.
 */

let sandbox: Sandbox;
let east1: DynamoDBClient;
let east2: DynamoDBClient;
let s3: S3Client;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  east1 = sandboxClient(DynamoDBClient, sandbox, 'us-east-1');
  east2 = sandboxClient(DynamoDBClient, sandbox, 'us-east-2');
  s3 = sandboxClient(S3Client, sandbox, 'us-east-1', { forcePathStyle: true });
});
afterAll(async () => {
  for (const client of [east1, east2, s3]) client.destroy();
  await sandbox.stop();
});

let seq = 0;
/** A global table in both Regions, as the guide's stack has, with `items` items in the primary. */
async function globalTable(items = 0): Promise<string> {
  const name = `sessions-${++seq}`;
  for (const [client, region, other] of [
    [east1, 'us-east-1', 'us-east-2'],
    [east2, 'us-east-2', 'us-east-1'],
  ] as const) {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    sandbox.world.region(region).tables.set(name, {
      tableName: name,
      region,
      replicas: [{ regionName: other, replicaStatus: 'ACTIVE' }],
    });
  }
  for (let i = 0; i < items; i++) {
    await east1.send(new PutItemCommand({ TableName: name, Item: { id: { S: `s${i}` } } }));
  }
  return name;
}

const arnOf = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;
const fast = { minDelay: 0.2, maxDelay: 0.5, maxWaitTime: 20 };

describe('S3', () => {
  test('HeadBucket: 200 with the Region, NotFound, 403; waitUntilBucketExists works', async () => {
    addBucket(sandbox.world, 'archives-a', 'us-east-1');
    addBucket(sandbox.world, 'not-ours', 'us-east-1', { forbidden: true });
    const out = await s3.send(new HeadBucketCommand({ Bucket: 'archives-a' }));
    expect(out.BucketRegion).toBe('us-east-1');
    expect((await failure(s3.send(new HeadBucketCommand({ Bucket: 'nope' })))).name).toBe('NotFound');
    // A HEAD reply has no body: the SDK has only the status to go by (403, named `Unknown` by this client).
    const forbidden = await failure(s3.send(new HeadBucketCommand({ Bucket: 'not-ours' })));
    expect(forbidden.$metadata?.httpStatusCode).toBe(403);
    expect((await waitUntilBucketExists({ client: s3, ...fast }, { Bucket: 'archives-a' })).state).toBe(
      'SUCCESS',
    );
    expect((await failure(s3.send(new ListObjectsV2Command({ Bucket: 'nope' })))).name).toBe('NoSuchBucket');
  });
});

describe('ExportTableToPointInTime', () => {
  test('refuses without point-in-time recovery, then exports, awaited, with its files in the bucket', async () => {
    const name = await globalTable(7);
    addBucket(sandbox.world, 'archives-b', 'us-east-1');
    const request = {
      TableArn: arnOf(name),
      S3Bucket: 'archives-b',
      S3Prefix: 'dynamodb-archives/x/',
      ExportFormat: 'DYNAMODB_JSON' as const,
    };
    const refused = await failure(east1.send(new ExportTableToPointInTimeCommand(request)));
    expect(refused.name).toBe('PointInTimeRecoveryUnavailableException');
    expect(sandbox.world.region('us-east-1').tableExports.size).toBe(0);

    await east1.send(
      new UpdateContinuousBackupsCommand({
        TableName: name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const started = await east1.send(
      new ExportTableToPointInTimeCommand({ ...request, ClientToken: 'tok-1' }),
    );
    expect(started.ExportDescription?.ExportStatus).toBe('IN_PROGRESS');
    const arn = started.ExportDescription!.ExportArn!;
    expect(arn.startsWith(`${arnOf(name)}/export/`)).toBe(true);
    // The same token and request: the same export, not a second one.
    const again = await east1.send(new ExportTableToPointInTimeCommand({ ...request, ClientToken: 'tok-1' }));
    expect(again.ExportDescription?.ExportArn).toBe(arn);
    const mismatch = await failure(
      east1.send(
        new ExportTableToPointInTimeCommand({ ...request, S3Prefix: 'other/', ClientToken: 'tok-1' }),
      ),
    );
    expect(mismatch.name).toBe('IdempotentParameterMismatchException');

    expect((await waitUntilExportCompleted({ client: east1, ...fast }, { ExportArn: arn })).state).toBe(
      'SUCCESS',
    );
    const done = (await east1.send(new DescribeExportCommand({ ExportArn: arn }))).ExportDescription!;
    expect(done).toMatchObject({ ExportStatus: 'COMPLETED', ItemCount: 7, S3Bucket: 'archives-b' });
    expect(done.EndTime).toBeInstanceOf(Date);
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'archives-b', Prefix: 'dynamodb-archives/x/' }),
    );
    const keys = listed.Contents!.map((c) => c.Key!);
    expect(keys).toContain(done.ExportManifest);
    expect(keys.some((k) => /\/data\/.+\.json\.gz$/.test(k))).toBe(true);
  });

  test('an export to a bucket that does not exist ends FAILED, and the waiter fails fast', async () => {
    const name = await globalTable(1);
    sandbox.world.region('us-east-1').pointInTimeRecoveryTables.add(name);
    const started = await east1.send(
      new ExportTableToPointInTimeCommand({ TableArn: arnOf(name), S3Bucket: 'no-such-bucket' }),
    );
    await expect(
      waitUntilExportCompleted(
        { client: east1, ...fast },
        { ExportArn: started.ExportDescription!.ExportArn! },
      ),
    ).rejects.toThrow(/FAILURE/);
    const failed = (
      await east1.send(new DescribeExportCommand({ ExportArn: started.ExportDescription!.ExportArn! }))
    ).ExportDescription!;
    expect(failed).toMatchObject({ ExportStatus: 'FAILED', FailureCode: 'S3NoSuchBucket' });
    expect(
      (await failure(east1.send(new DescribeExportCommand({ ExportArn: `${arnOf(name)}/export/nope` }))))
        .name,
    ).toBe('ExportNotFoundException');
  });
});

describe('a global table taken down', () => {
  test('DeleteTable is refused while a replica remains; the table is left as it was', async () => {
    const name = await globalTable();
    const refused = await failure(east1.send(new DeleteTableCommand({ TableName: name })));
    expect(refused.name).toBe('ValidationException');
    const table = (await east1.send(new DescribeTableCommand({ TableName: name }))).Table!;
    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.Replicas).toEqual([{ RegionName: 'us-east-2', ReplicaStatus: 'ACTIVE' }]);
  });

  test('the replica removed (DELETING, UPDATING, then gone with its Region table), then the table deleted', async () => {
    const name = await globalTable();
    const unknown = await failure(
      east1.send(
        new UpdateTableCommand({
          TableName: name,
          ReplicaUpdates: [{ Delete: { RegionName: 'eu-west-1' } }],
        }),
      ),
    );
    expect(unknown.name).toBe('ValidationException');
    const out = await east1.send(
      new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Delete: { RegionName: 'us-east-2' } }] }),
    );
    expect(out.TableDescription?.TableStatus).toBe('UPDATING');
    expect(out.TableDescription?.Replicas).toEqual([{ RegionName: 'us-east-2', ReplicaStatus: 'DELETING' }]);
    const busy = await failure(
      east1.send(
        new UpdateTableCommand({
          TableName: name,
          ReplicaUpdates: [{ Delete: { RegionName: 'us-east-2' } }],
        }),
      ),
    );
    expect(busy.name).toBe('ResourceInUseException');
    const during = (await east1.send(new DescribeTableCommand({ TableName: name }))).Table!;
    expect(during.TableStatus).toBe('UPDATING');

    const deadline = Date.now() + 10_000;
    let table = during;
    while (table.Replicas?.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      table = (await east1.send(new DescribeTableCommand({ TableName: name }))).Table!;
    }
    expect(table.Replicas ?? []).toEqual([]);
    expect(table.TableStatus).toBe('ACTIVE');
    expect((await failure(east2.send(new DescribeTableCommand({ TableName: name })))).name).toBe(
      'ResourceNotFoundException',
    );

    await east1.send(new DeleteTableCommand({ TableName: name }));
    expect((await waitUntilTableNotExists({ client: east1, ...fast }, { TableName: name })).state).toBe(
      'SUCCESS',
    );
  });
});
