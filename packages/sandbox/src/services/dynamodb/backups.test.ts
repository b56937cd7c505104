import {
  BatchWriteItemCommand,
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListBackupsCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { Sandbox } from '../../server.js';
import { failure, sandboxClient } from '../../test-support.js';

let sandbox: Sandbox;
let east1: DynamoDBClient;
let east2: DynamoDBClient;

const T0 = new Date('2026-03-01T12:00:00.000Z');
const ARN = /^arn:aws:dynamodb:us-east-1:123456789012:table\/([^/]+)\/backup\/\d{14}-[0-9a-f]{8}$/;

function at(ms: number): void {
  sandbox.now = () => new Date(T0.getTime() + ms);
}

async function createTable(name: string, client = east1): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'session_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'session_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

function backup(table: string, name = `${table}-backup`, client = east1) {
  return client.send(new CreateBackupCommand({ TableName: table, BackupName: name }));
}

async function statusOf(arn: string): Promise<string | undefined> {
  const out = await east1.send(new DescribeBackupCommand({ BackupArn: arn }));
  return out.BackupDescription?.BackupDetails?.BackupStatus;
}

beforeAll(async () => {
  sandbox = await Sandbox.start();
  east1 = sandboxClient(DynamoDBClient, sandbox, 'us-east-1');
  east2 = sandboxClient(DynamoDBClient, sandbox, 'us-east-2');
});

afterAll(async () => {
  east1.destroy();
  east2.destroy();
  await sandbox.stop();
});

beforeEach(() => {
  // Tables live in dynalite across tests (each test uses its own); backups and settings in the World.
  sandbox.world.clear();
  sandbox.now = () => new Date();
});

describe('CreateBackup', () => {
  it('answers BackupDetails CREATING with a backup ARN under the table, its size and type USER', async () => {
    await createTable('sessions-sized');
    await east1.send(
      new BatchWriteItemCommand({
        RequestItems: {
          'sessions-sized': Array.from({ length: 10 }, (_, i) => ({
            PutRequest: { Item: { session_id: { S: `s-${i}` }, data: { S: 'x'.repeat(100) } } },
          })),
        },
      }),
    );
    at(0);
    const { BackupDetails } = await backup('sessions-sized');
    expect(BackupDetails).toMatchObject({
      BackupName: 'sessions-sized-backup',
      BackupStatus: 'CREATING',
      BackupType: 'USER',
    });
    expect(BackupDetails!.BackupArn).toMatch(ARN);
    expect(ARN.exec(BackupDetails!.BackupArn!)![1]).toBe('sessions-sized');
    expect(BackupDetails!.BackupCreationDateTime).toBeInstanceOf(Date);
    expect(BackupDetails!.BackupCreationDateTime!.toISOString()).toBe(T0.toISOString());
    // As in DynamoDB, the size is the table's TableSizeBytes, a figure that lags (dynalite keeps it at 0).
    const { Table } = await east1.send(new DescribeTableCommand({ TableName: 'sessions-sized' }));
    expect(BackupDetails!.BackupSizeBytes).toBe(Table!.TableSizeBytes);
    expect(typeof BackupDetails!.BackupSizeBytes).toBe('number');
  });

  it('becomes AVAILABLE once the world says the backup has taken long enough', async () => {
    sandbox.world.backupTimings.tableBackupMs = 5_000;
    await createTable('sessions-timed');
    at(0);
    const arn = (await backup('sessions-timed')).BackupDetails!.BackupArn!;
    at(4_999);
    expect(await statusOf(arn)).toBe('CREATING');
    at(5_000);
    expect(await statusOf(arn)).toBe('AVAILABLE');
  });

  it('never becomes AVAILABLE for a table whose backups the world makes fail: it ends DELETED', async () => {
    sandbox.world.backupTimings.tableBackupMs = 1_000;
    await createTable('sessions-failing');
    sandbox.world.region('us-east-1').failingBackupTables.add('sessions-failing');
    at(0);
    const arn = (await backup('sessions-failing')).BackupDetails!.BackupArn!;
    expect(await statusOf(arn)).toBe('CREATING');
    for (const ms of [1_000, 3_600_000]) {
      at(ms);
      expect(await statusOf(arn)).toBe('DELETED');
    }
  });

  it('refuses a missing table with TableNotFoundException; tables are regional', async () => {
    const error = await failure(backup('no-such-table'));
    expect(error.name).toBe('TableNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toContain('no-such-table');
    await createTable('only-in-east-1');
    expect((await failure(backup('only-in-east-1', 'b-1', east2))).name).toBe('TableNotFoundException');
  });

  it('refuses a table that is not ACTIVE with TableInUseException', async () => {
    await createTable('sessions-updating');
    sandbox.world.region('us-east-1').tables.set('sessions-updating', {
      tableName: 'sessions-updating',
      region: 'us-east-1',
      tableStatus: 'UPDATING',
      replicas: [],
    });
    expect((await failure(backup('sessions-updating'))).name).toBe('TableInUseException');
  });

  it.each([
    ['ab', /greater than or equal to 3/],
    ['has space', /regular expression pattern/],
    ['x'.repeat(256), /less than or equal to 255/],
  ])('refuses the backup name %s with ValidationException', async (name, message) => {
    await createTable(`sessions-names-${name.length}`);
    const error = await failure(backup(`sessions-names-${name.length}`, name));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(message);
  });
});

describe('DescribeBackup', () => {
  it('describes the source table as it was when the backup was taken', async () => {
    await createTable('sessions-described');
    const arn = (await backup('sessions-described')).BackupDetails!.BackupArn!;
    const { BackupDescription } = await east1.send(new DescribeBackupCommand({ BackupArn: arn }));
    expect(BackupDescription?.BackupDetails?.BackupArn).toBe(arn);
    expect(BackupDescription?.SourceTableDetails).toMatchObject({
      TableName: 'sessions-described',
      TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/sessions-described',
      KeySchema: [{ AttributeName: 'session_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ItemCount: 0,
    });
    expect(BackupDescription?.SourceTableDetails?.TableCreationDateTime).toBeInstanceOf(Date);
  });

  it('refuses an unknown backup ARN with BackupNotFoundException, also from another region', async () => {
    await createTable('sessions-regional-backup');
    const arn = (await backup('sessions-regional-backup')).BackupDetails!.BackupArn!;
    const error = await failure(east2.send(new DescribeBackupCommand({ BackupArn: arn })));
    expect(error.name).toBe('BackupNotFoundException');
    const missing = `${arn.slice(0, -8)}00000000`;
    expect((await failure(east1.send(new DescribeBackupCommand({ BackupArn: missing })))).name).toBe(
      'BackupNotFoundException',
    );
  });
});

describe('ListBackups', () => {
  it('lists the backups of one table, oldest first, paging with Limit and ExclusiveStartBackupArn', async () => {
    await createTable('sessions-listed');
    await createTable('sessions-other');
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      at(i * 1000);
      arns.push((await backup('sessions-listed', `listed-${i}`)).BackupDetails!.BackupArn!);
    }
    await backup('sessions-other');
    const seen: string[] = [];
    let start: string | undefined;
    let pages = 0;
    do {
      const page = await east1.send(
        new ListBackupsCommand({ TableName: 'sessions-listed', Limit: 2, ExclusiveStartBackupArn: start }),
      );
      pages++;
      seen.push(...page.BackupSummaries!.map((s) => s.BackupArn!));
      expect(page.BackupSummaries!.every((s) => s.TableName === 'sessions-listed')).toBe(true);
      start = page.LastEvaluatedBackupArn;
    } while (start);
    expect(seen).toEqual(arns);
    expect(pages).toBe(3);
    const all = await east1.send(new ListBackupsCommand({}));
    expect(all.BackupSummaries).toHaveLength(6);
    expect(all.BackupSummaries![0]).toMatchObject({ BackupName: 'listed-0', BackupType: 'USER' });
    expect(all.BackupSummaries![0]!.BackupCreationDateTime).toBeInstanceOf(Date);
    expect((await east2.send(new ListBackupsCommand({}))).BackupSummaries).toEqual([]);
    expect((await east1.send(new ListBackupsCommand({ BackupType: 'SYSTEM' }))).BackupSummaries).toEqual([]);
  });

  it('refuses a Limit outside 1..100 with ValidationException', async () => {
    expect((await failure(east1.send(new ListBackupsCommand({ Limit: 0 })))).name).toBe(
      'ValidationException',
    );
  });
});

describe('continuous backups (point-in-time recovery)', () => {
  it('is DISABLED by default and ENABLED after UpdateContinuousBackups', async () => {
    await createTable('sessions-pitr');
    const before = await east1.send(new DescribeContinuousBackupsCommand({ TableName: 'sessions-pitr' }));
    expect(before.ContinuousBackupsDescription).toEqual({
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
    });
    await east1.send(
      new UpdateContinuousBackupsCommand({
        TableName: 'sessions-pitr',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const after = await east1.send(new DescribeContinuousBackupsCommand({ TableName: 'sessions-pitr' }));
    const pitr = after.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
    expect(pitr?.PointInTimeRecoveryStatus).toBe('ENABLED');
    expect(pitr?.LatestRestorableDateTime).toBeInstanceOf(Date);
  });

  it('refuses a missing table with TableNotFoundException', async () => {
    const error = await failure(east1.send(new DescribeContinuousBackupsCommand({ TableName: 'no-such' })));
    expect(error.name).toBe('TableNotFoundException');
  });
});

describe('tags', () => {
  it('tags a table, but refuses a backup ARN as DynamoDB does (backups are tagged through AWS Backup)', async () => {
    await createTable('sessions-tagged');
    const tableArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/sessions-tagged';
    const arn = (await backup('sessions-tagged')).BackupDetails!.BackupArn!;
    const tags = [{ Key: 'Purpose', Value: 'PreMigrationBackup' }];
    const error = await failure(east1.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags })));
    expect(error.name).toBe('ValidationException');
    await east1.send(new TagResourceCommand({ ResourceArn: tableArn, Tags: tags }));
    const listed = await east1.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn }));
    expect(listed.Tags).toEqual(tags);
  });
});
