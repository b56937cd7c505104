import { CreateBackupCommand, CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Sandbox } from '@dbmig/sandbox';
import { VerdictError } from '../errors/index.js';
import { sandboxDynamoDb } from './sandbox.fixture.js';
import { createTableBackup, type TableBackupOptions } from './table-backup.js';

const REGION = 'us-east-1';
const ARN = /^arn:aws:dynamodb:us-east-1:123456789012:table\/session-table-dev\/backup\/\d{14}-[0-9a-f]{8}$/;

let sandbox: Sandbox;
let dynamodb: DynamoDBClient;
let lines: string[];
let table: string;
let tableCount = 0;

function options(overrides: Partial<TableBackupOptions> = {}): TableBackupOptions {
  return {
    tableName: table,
    backupName: `${table}-premigration-r42-1`,
    maxWaitSeconds: 30,
    log: (line) => lines.push(line),
    minDelaySeconds: 0.05,
    maxDelaySeconds: 0.1,
    ...overrides,
  };
}

function backupsInWorld() {
  return [...sandbox.world.region(REGION).tableBackups.values()];
}

async function createTable(name: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'session_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'session_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VerdictError);
  return error as Error;
}

beforeAll(async () => {
  sandbox = await Sandbox.start();
  dynamodb = sandboxDynamoDb(sandbox, REGION);
});

afterAll(async () => {
  dynamodb.destroy();
  await sandbox.stop();
});

beforeEach(async () => {
  sandbox.world.clear();
  sandbox.faults.clear();
  sandbox.world.backupTimings.tableBackupMs = 300;
  // dynalite keeps its tables across tests: each test backs up a table of its own.
  table = tableCount === 0 ? 'session-table-dev' : `session-table-dev-${tableCount}`;
  tableCount++;
  await createTable(table);
  lines = [];
});

describe('createTableBackup', () => {
  it('creates a backup, polls it until AVAILABLE, and logs each change of state', async () => {
    const result = await createTableBackup(dynamodb, options());
    expect(result).toMatchObject({
      name: 'session-table-dev-premigration-r42-1',
      status: 'AVAILABLE',
      sizeBytes: 0,
      adopted: false,
    });
    expect(result.arn).toMatch(ARN);
    expect(result.createdAt).toBeInstanceOf(Date);
    expect(lines).toEqual([
      'Backup session-table-dev-premigration-r42-1 of table session-table-dev (us-east-1) requested: CREATING.',
      'Backup session-table-dev-premigration-r42-1 of table session-table-dev (us-east-1): AVAILABLE (0 bytes).',
    ]);
    expect(backupsInWorld()).toHaveLength(1);
  });

  it('adopts a CREATING or AVAILABLE backup of this name when the attempt is re-run', async () => {
    const { BackupDetails } = await dynamodb.send(
      new CreateBackupCommand({ TableName: table, BackupName: options().backupName }),
    );
    const adopted = await createTableBackup(dynamodb, options());
    expect(adopted.adopted).toBe(true);
    expect(adopted.arn).toBe(BackupDetails!.BackupArn);
    expect(lines[0]).toMatch(/exists already .*adopting it, CREATING\.$/);
    const again = await createTableBackup(dynamodb, options());
    expect(again.arn).toBe(BackupDetails!.BackupArn);
    expect(backupsInWorld()).toHaveLength(1);
  });

  it('does not adopt a backup of the same name of another table', async () => {
    const other = `${table}-other`;
    await createTable(other);
    await createTableBackup(dynamodb, options({ tableName: other }));
    const mine = await createTableBackup(dynamodb, options());
    expect(mine.adopted).toBe(false);
    expect(
      backupsInWorld()
        .map((b) => b.tableName)
        .sort(),
    ).toEqual([table, other].sort());
  });

  it('fails loudly, naming the backup, when the backup turns DELETED instead of AVAILABLE', async () => {
    sandbox.world.region(REGION).failingBackupTables.add(table);
    const error = await rejection(createTableBackup(dynamodb, options({ maxWaitSeconds: 600 })));
    expect(error.message).toMatch(
      new RegExp(`^Backup ${table}-premigration-r42-1 of table ${table} \\(us-east-1\\) turned DELETED`),
    );
  });

  it('makes a new backup on a re-run after one turned DELETED, not adopting the dead one', async () => {
    sandbox.world.region(REGION).failingBackupTables.add(table);
    await rejection(createTableBackup(dynamodb, options()));
    sandbox.world.region(REGION).failingBackupTables.delete(table);
    const result = await createTableBackup(dynamodb, options());
    expect(result.adopted).toBe(false);
    expect(result.status).toBe('AVAILABLE');
    expect(backupsInWorld()).toHaveLength(2);
  });

  it('fails when the backup disappears while it is awaited', async () => {
    sandbox.world.backupTimings.tableBackupMs = 3_600_000;
    const log = (line: string) => {
      lines.push(line);
      // Someone deletes it as soon as it is requested.
      if (line.includes('requested')) sandbox.world.region(REGION).tableBackups.clear();
    };
    const error = await rejection(createTableBackup(dynamodb, options({ log })));
    expect(error.message).toMatch(/disappeared before it became AVAILABLE/);
    expect(error.message).toContain(`${table}-premigration-r42-1`);
  });

  it('fails when the backup is not AVAILABLE within maxWaitSeconds, saying a re-run waits for it again', async () => {
    sandbox.world.backupTimings.tableBackupMs = 3_600_000;
    const error = await rejection(createTableBackup(dynamodb, options({ maxWaitSeconds: 0.5 })));
    expect(error.message).toMatch(/is not AVAILABLE after 0.5 s \(still CREATING\)/);
    expect(error.message).toContain('re-run');
  });

  it('refuses a table that does not exist, naming it, and makes no backup', async () => {
    const error = await rejection(createTableBackup(dynamodb, options({ tableName: 'session-table-typo' })));
    expect(error.message).toMatch(/^Table session-table-typo was not found in us-east-1/);
    expect(backupsInWorld()).toEqual([]);
  });

  it('keeps polling through throttled DescribeBackup calls and still succeeds', async () => {
    sandbox.faults.set([{ operation: 'dynamodb:DescribeBackup', throttleRate: 0.5 }], 3);
    const before = sandbox.faults.injected.throttle;
    const result = await createTableBackup(dynamodb, options());
    expect(result.status).toBe('AVAILABLE');
    expect(sandbox.faults.injected.throttle).toBeGreaterThan(before);
  });
});
