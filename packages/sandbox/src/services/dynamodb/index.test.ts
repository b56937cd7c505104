import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeLimitsCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  paginateScan,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { Sandbox } from '../../server.js';
import { failure, sandboxClient } from '../../test-support.js';

let sandbox: Sandbox;
let east1: DynamoDBClient;
let east2: DynamoDBClient;

function client(
  region: string,
  options: { maxAttempts?: number; retryStrategy?: ConfiguredRetryStrategy } = {},
) {
  return sandboxClient(DynamoDBClient, sandbox, region, options);
}

async function createTable(dynamo: DynamoDBClient, name: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

beforeAll(async () => {
  sandbox = await Sandbox.start();
  east1 = client('us-east-1');
  east2 = client('us-east-2');
});

afterAll(async () => {
  east1.destroy();
  east2.destroy();
  await sandbox.stop();
});

afterEach(() => sandbox.faults.clear());

describe('tables', () => {
  test('CreateTable and DescribeTable answer ACTIVE with a regional ARN', async () => {
    await createTable(east1, 'sessions-create');
    const { Table } = await east1.send(new DescribeTableCommand({ TableName: 'sessions-create' }));
    expect(Table?.TableName).toBe('sessions-create');
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.TableArn).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/sessions-create');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(Table?.CreationDateTime).toBeInstanceOf(Date);
    // Not a global table: dynalite's answer is left as it is.
    expect(Table?.Replicas).toBeUndefined();
    expect(Table?.GlobalTableVersion).toBeUndefined();
  });

  test('tables are regional: one created in us-east-1 is not found in us-east-2', async () => {
    await createTable(east1, 'only-in-east-1');
    const error = await failure(east2.send(new DescribeTableCommand({ TableName: 'only-in-east-1' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    const listed = await east2.send(new ListTablesCommand({}));
    expect(listed.TableNames).not.toContain('only-in-east-1');

    await createTable(east2, 'only-in-east-2');
    const { Table } = await east2.send(new DescribeTableCommand({ TableName: 'only-in-east-2' }));
    expect(Table?.TableArn).toBe('arn:aws:dynamodb:us-east-2:123456789012:table/only-in-east-2');
  });

  test('DescribeTable of a missing table is ResourceNotFoundException with a request id', async () => {
    const error = await failure(east1.send(new DescribeTableCommand({ TableName: 'no-such-table' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toMatch(/not found/i);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.requestId).toMatch(/^[A-Z0-9]{52}$/);
  });

  test('CreateTable of an existing table is ResourceInUseException', async () => {
    await createTable(east1, 'twice');
    const error = await failure(createTable(east1, 'twice'));
    expect(error.name).toBe('ResourceInUseException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  test('an invalid request gets dynalite ValidationException', async () => {
    const error = await failure(east1.send(new ScanCommand({ TableName: 'x', Limit: 0 })));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  test('an operation dynalite lacks fails loudly with UnknownOperationException', async () => {
    // DescribeLimits: backups, once missing too, are now the sandbox's own (backups.ts).
    const error = await failure(east1.send(new DescribeLimitsCommand({})));
    expect(error.name).toBe('UnknownOperationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  test('DescribeTable shows the overlay replicas, status and global table version', async () => {
    await createTable(east1, 'session-table-v2-dev');
    sandbox.world.region('us-east-1').tables.set('session-table-v2-dev', {
      tableName: 'session-table-v2-dev',
      region: 'us-east-1',
      tableStatus: 'UPDATING',
      replicas: [{ regionName: 'us-east-2', replicaStatus: 'CREATING' }],
    });
    const { Table } = await east1.send(new DescribeTableCommand({ TableName: 'session-table-v2-dev' }));
    expect(Table?.TableStatus).toBe('UPDATING');
    expect(Table?.Replicas).toEqual([{ RegionName: 'us-east-2', ReplicaStatus: 'CREATING' }]);
    expect(Table?.GlobalTableVersion).toBe('2019.11.21');
    // The rest is still dynalite's.
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
  });

  test('a table ARN as TableName is refused by dynalite (DynamoDB accepts it): callers pass names', async () => {
    await createTable(east1, 'by-arn');
    const arn = 'arn:aws:dynamodb:us-east-1:123456789012:table/by-arn';
    const error = await failure(east1.send(new DescribeTableCommand({ TableName: arn })));
    expect(error.name).toBe('ValidationException');
  });

  test('an overlay without a status keeps dynalite TableStatus; without replicas adds no Replicas', async () => {
    await createTable(east1, 'overlay-no-status');
    const tables = sandbox.world.region('us-east-1').tables;
    tables.set('overlay-no-status', {
      tableName: 'overlay-no-status',
      region: 'us-east-1',
      replicas: [{ regionName: 'us-east-2', replicaStatus: 'ACTIVE' }],
    });
    const first = await east1.send(new DescribeTableCommand({ TableName: 'overlay-no-status' }));
    expect(first.Table?.TableStatus).toBe('ACTIVE');
    expect(first.Table?.Replicas).toEqual([{ RegionName: 'us-east-2', ReplicaStatus: 'ACTIVE' }]);

    tables.set('overlay-no-status', { tableName: 'overlay-no-status', region: 'us-east-1', replicas: [] });
    const second = await east1.send(new DescribeTableCommand({ TableName: 'overlay-no-status' }));
    expect(second.Table?.Replicas).toBeUndefined();
    expect(second.Table?.GlobalTableVersion).toBeUndefined();
  });

  test('an overlay is per region: the same name in us-east-2 has its own', async () => {
    await createTable(east1, 'per-region-overlay');
    await createTable(east2, 'per-region-overlay');
    sandbox.world.region('us-east-2').tables.set('per-region-overlay', {
      tableName: 'per-region-overlay',
      region: 'us-east-2',
      replicas: [{ regionName: 'us-east-1', replicaStatus: 'ACTIVE' }],
    });
    const inEast1 = await east1.send(new DescribeTableCommand({ TableName: 'per-region-overlay' }));
    const inEast2 = await east2.send(new DescribeTableCommand({ TableName: 'per-region-overlay' }));
    expect(inEast1.Table?.Replicas).toBeUndefined();
    expect(inEast2.Table?.Replicas).toEqual([{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }]);
  });

  test('an overlay does not make a table exist: DescribeTable is still ResourceNotFoundException', async () => {
    sandbox.world.region('us-east-1').tables.set('overlay-only', {
      tableName: 'overlay-only',
      region: 'us-east-1',
      tableStatus: 'ACTIVE',
      replicas: [{ regionName: 'us-east-2', replicaStatus: 'ACTIVE' }],
    });
    const error = await failure(east1.send(new DescribeTableCommand({ TableName: 'overlay-only' })));
    expect(error.name).toBe('ResourceNotFoundException');
  });

  test('DeleteTable deletes the table and its overlay (a table whose replicas are already removed)', async () => {
    await createTable(east1, 'to-delete');
    sandbox.world.region('us-east-1').tables.set('to-delete', {
      tableName: 'to-delete',
      region: 'us-east-1',
      replicas: [],
    });
    const { TableDescription } = await east1.send(new DeleteTableCommand({ TableName: 'to-delete' }));
    expect(TableDescription?.TableName).toBe('to-delete');
    expect(sandbox.world.region('us-east-1').tables.has('to-delete')).toBe(false);
    const error = await failure(east1.send(new DescribeTableCommand({ TableName: 'to-delete' })));
    expect(error.name).toBe('ResourceNotFoundException');
  });
});

describe('items', () => {
  const item = (i: number): Record<string, AttributeValue> => ({
    pk: { S: `user-${String(i).padStart(3, '0')}` },
    expires: { N: String(1714564800 + i) },
    data: { S: 'x'.repeat(20) },
  });

  test('PutItem then GetItem returns the item; an item in us-east-1 is not in us-east-2', async () => {
    await createTable(east1, 'items-put');
    await createTable(east2, 'items-put');
    await east1.send(new PutItemCommand({ TableName: 'items-put', Item: item(1) }));
    const got = await east1.send(new GetItemCommand({ TableName: 'items-put', Key: { pk: item(1).pk! } }));
    expect(got.Item).toEqual(item(1));
    const other = await east2.send(new GetItemCommand({ TableName: 'items-put', Key: { pk: item(1).pk! } }));
    expect(other.Item).toBeUndefined();
  });

  test('PutItem to a missing table is ResourceNotFoundException', async () => {
    const error = await failure(
      east1.send(new PutItemCommand({ TableName: 'missing-items', Item: item(1) })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  test('BatchWriteItem writes 25 items and Scan with Limit pages through LastEvaluatedKey', async () => {
    await createTable(east1, 'items-batch');
    for (let start = 0; start < 50; start += 25) {
      const written = await east1.send(
        new BatchWriteItemCommand({
          RequestItems: {
            'items-batch': Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: item(start + i) } })),
          },
        }),
      );
      expect(written.UnprocessedItems).toEqual({});
    }

    const first = await east1.send(new ScanCommand({ TableName: 'items-batch', Limit: 20 }));
    expect(first.Count).toBe(20);
    expect(first.Items).toHaveLength(20);
    expect(first.LastEvaluatedKey?.pk?.S).toMatch(/^user-/);
    const second = await east1.send(
      new ScanCommand({ TableName: 'items-batch', Limit: 20, ExclusiveStartKey: first.LastEvaluatedKey }),
    );
    expect(second.Count).toBe(20);
    const firstKeys = new Set(first.Items!.map((i) => i.pk!.S));
    expect(second.Items!.some((i) => firstKeys.has(i.pk!.S))).toBe(false);

    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateScan({ client: east1, pageSize: 20 }, { TableName: 'items-batch' })) {
      pages++;
      for (const it of page.Items ?? []) seen.push(it.pk!.S!);
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(50);
    expect(seen).toHaveLength(50);

    const counted = await east1.send(new ScanCommand({ TableName: 'items-batch', Select: 'COUNT' }));
    expect(counted.Count).toBe(50);
  });

  test('BatchWriteItem with more than 25 requests is ValidationException', async () => {
    await createTable(east1, 'items-batch-limit');
    const error = await failure(
      east1.send(
        new BatchWriteItemCommand({
          RequestItems: {
            'items-batch-limit': Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: item(i) } })),
          },
        }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  test('38 significant digits round-trip exactly', async () => {
    await createTable(east1, 'items-numbers');
    const big = '12345678901234567890123456789012345678';
    await east1.send(
      new PutItemCommand({ TableName: 'items-numbers', Item: { pk: { S: 'n' }, v: { N: big } } }),
    );
    const got = await east1.send(new GetItemCommand({ TableName: 'items-numbers', Key: { pk: { S: 'n' } } }));
    expect(got.Item?.v?.N).toBe(big);
  });
});

describe('faults', () => {
  test('injected throttling is ThrottlingException, and the SDK retries it', async () => {
    await createTable(east1, 'throttled');
    sandbox.faults.set([{ operation: 'dynamodb:*', throttleRate: 1 }]);

    const before = sandbox.calls('dynamodb').length;
    const once = await failure(east1.send(new DescribeTableCommand({ TableName: 'throttled' })));
    expect(once.name).toBe('ThrottlingException');
    expect(once.$metadata.httpStatusCode).toBe(400);
    expect(sandbox.calls('dynamodb').length - before).toBe(1);

    // A zero delay keeps the test fast; the SDK decides whether to retry, not the strategy's delay.
    const retrying = client('us-east-1', { retryStrategy: new ConfiguredRetryStrategy(2, () => 0) });
    try {
      const start = sandbox.calls('dynamodb').length;
      const error = await failure(retrying.send(new DescribeTableCommand({ TableName: 'throttled' })));
      expect(error.name).toBe('ThrottlingException');
      const calls = sandbox.calls('dynamodb').slice(start);
      expect(calls).toHaveLength(2);
      expect(calls.every((c) => c.fault === 'throttle' && c.operation === 'DescribeTable')).toBe(true);
      expect(error.$metadata.attempts).toBe(2);
    } finally {
      retrying.destroy();
    }

    // The SDK's own retry strategy (maxAttempts 2, its jittered backoff of up to 1 s) retries it too.
    const standard = client('us-east-1', { maxAttempts: 2 });
    try {
      const start = sandbox.calls('dynamodb').length;
      const error = await failure(standard.send(new DescribeTableCommand({ TableName: 'throttled' })));
      expect(error.name).toBe('ThrottlingException');
      expect(sandbox.calls('dynamodb').length - start).toBe(2);
    } finally {
      standard.destroy();
    }

    // The throttling stops while the SDK waits to retry (the delay function runs then): the retry succeeds.
    const recovering = client('us-east-1', {
      retryStrategy: new ConfiguredRetryStrategy(2, () => {
        sandbox.faults.clear();
        return 0;
      }),
    });
    try {
      const start = sandbox.calls('dynamodb').length;
      const { Table, $metadata } = await recovering.send(
        new DescribeTableCommand({ TableName: 'throttled' }),
      );
      expect(Table?.TableName).toBe('throttled');
      expect($metadata.attempts).toBe(2);
      expect(
        sandbox
          .calls('dynamodb')
          .slice(start)
          .map((c) => c.fault ?? c.status),
      ).toEqual(['throttle', 200]);
    } finally {
      recovering.destroy();
    }
  });
});
