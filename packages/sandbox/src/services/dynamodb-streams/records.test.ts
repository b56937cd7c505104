import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBStreamsClient,
  ListStreamsCommand,
  DescribeStreamCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { Sandbox } from '../../server.js';
import { DEFAULT_TABLE_TIMINGS } from '../../world/world.js';
import { failure, sandboxClient } from '../../test-support.js';
import { createStreamTable, readStream, summary } from './test-support.js';

let sandbox: Sandbox;
let dynamo: DynamoDBClient;
let streams: DynamoDBStreamsClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  dynamo = sandboxClient(DynamoDBClient, sandbox, 'us-east-1');
  streams = sandboxClient(DynamoDBStreamsClient, sandbox, 'us-east-1');
});

afterAll(async () => {
  dynamo.destroy();
  streams.destroy();
  await sandbox.stop();
});

afterEach(() => sandbox.faults.clear());

const put = (table: string, pk: string, v: string) =>
  dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { S: v } } }));

describe('records of item writes', () => {
  test('put, update and delete make INSERT, MODIFY and REMOVE with both images', async () => {
    const arn = await createStreamTable(dynamo, 'st-images');
    const before = sandbox.now().getTime();
    await put('st-images', 'a', 'one');
    const after = sandbox.now().getTime();
    await dynamo.send(
      new UpdateItemCommand({
        TableName: 'st-images',
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'SET v = :v, n = :n',
        ExpressionAttributeValues: { ':v': { S: 'two' }, ':n': { N: '7' } },
      }),
    );
    await dynamo.send(new DeleteItemCommand({ TableName: 'st-images', Key: { pk: { S: 'a' } } }));

    const records = await readStream(streams, arn);
    expect(records.map(summary)).toEqual([
      {
        eventName: 'INSERT',
        keys: { pk: { S: 'a' } },
        oldImage: undefined,
        newImage: { pk: { S: 'a' }, v: { S: 'one' } },
      },
      {
        eventName: 'MODIFY',
        keys: { pk: { S: 'a' } },
        oldImage: { pk: { S: 'a' }, v: { S: 'one' } },
        newImage: { pk: { S: 'a' }, v: { S: 'two' }, n: { N: '7' } },
      },
      {
        eventName: 'REMOVE',
        keys: { pk: { S: 'a' } },
        oldImage: { pk: { S: 'a' }, v: { S: 'two' }, n: { N: '7' } },
        newImage: undefined,
      },
    ]);
    const [first] = records;
    expect(first).toMatchObject({ eventSource: 'aws:dynamodb', awsRegion: 'us-east-1' });
    expect(first!.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(first!.dynamodb!.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(first!.dynamodb!.SizeBytes).toBeGreaterThan(0);
    // On the sandbox's clock (epoch seconds on the wire, fractions kept).
    const createdAt = first!.dynamodb!.ApproximateCreationDateTime!.getTime();
    expect(createdAt).toBeGreaterThanOrEqual(before);
    expect(createdAt).toBeLessThanOrEqual(after);
    const sequence = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
    expect(sequence).toEqual([...sequence].sort((x, y) => (x < y ? -1 : 1)));
    expect(new Set(sequence).size).toBe(3);
  });

  test('a write that changes nothing makes no record', async () => {
    const arn = await createStreamTable(dynamo, 'st-noop');
    await put('st-noop', 'a', 'same');
    await put('st-noop', 'a', 'same');
    await dynamo.send(new DeleteItemCommand({ TableName: 'st-noop', Key: { pk: { S: 'missing' } } }));
    expect((await readStream(streams, arn)).map((r) => r.eventName)).toEqual(['INSERT']);
  });

  test('the view type decides the images: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE', async () => {
    for (const [viewType, oldImage, newImage] of [
      ['KEYS_ONLY', undefined, undefined],
      ['NEW_IMAGE', undefined, { pk: { S: 'k' }, v: { S: '2' } }],
      ['OLD_IMAGE', { pk: { S: 'k' }, v: { S: '1' } }, undefined],
    ] as const) {
      const table = `st-view-${viewType.toLowerCase()}`;
      const arn = await createStreamTable(dynamo, table, viewType);
      await put(table, 'k', '1');
      await put(table, 'k', '2');
      const records = await readStream(streams, arn);
      expect(records.map(summary)[1]).toEqual({
        eventName: 'MODIFY',
        keys: { pk: { S: 'k' } },
        oldImage,
        newImage,
      });
    }
  });

  test('BatchWriteItem records each put and delete; kept-back items only when resent', async () => {
    const arn = await createStreamTable(dynamo, 'st-batch');
    await put('st-batch', 'gone', 'x');
    const requests: WriteRequest[] = [
      ...['b1', 'b2', 'b3', 'b4'].map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } })),
      { DeleteRequest: { Key: { pk: { S: 'gone' } } } },
    ];
    sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 1 }], 11);
    let answer = await dynamo
      .send(new BatchWriteItemCommand({ RequestItems: { 'st-batch': requests } }))
      .catch((error: Error) => error);
    for (let seed = 12; answer instanceof Error && seed < 20; seed++) {
      sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 1 }], seed);
      answer = await dynamo
        .send(new BatchWriteItemCommand({ RequestItems: { 'st-batch': requests } }))
        .catch((error: Error) => error);
    }
    if (answer instanceof Error) throw answer;
    const keptBack = answer.UnprocessedItems?.['st-batch'] ?? [];
    expect(keptBack.length).toBeGreaterThan(0);
    const partial = (await readStream(streams, arn)).map(summary);
    // The INSERT of "gone", then only the processed part of the batch.
    expect(partial).toHaveLength(1 + requests.length - keptBack.length);

    sandbox.faults.clear();
    await dynamo.send(new BatchWriteItemCommand({ RequestItems: { 'st-batch': keptBack } }));
    const all = (await readStream(streams, arn)).map(summary);
    expect(all.map((r) => `${r.eventName} ${(r.keys as { pk: { S: string } }).pk.S}`).sort()).toEqual([
      'INSERT b1',
      'INSERT b2',
      'INSERT b3',
      'INSERT b4',
      'INSERT gone',
      'REMOVE gone',
    ]);
  });

  test('concurrent writes to one key keep their order in the stream, each image exact', async () => {
    const arn = await createStreamTable(dynamo, 'st-order');
    const writes = Array.from({ length: 30 }, (_, i) => put('st-order', `k${i % 3}`, String(i)));
    await Promise.all(writes);
    const records = await readStream(streams, arn);
    expect(records).toHaveLength(30);
    for (const key of ['k0', 'k1', 'k2']) {
      const ofKey = records.filter((r) => r.dynamodb!.Keys!['pk']!.S === key);
      // Each record's old image is the previous record's new image: no write slipped between.
      for (let i = 1; i < ofKey.length; i++) {
        expect(ofKey[i]!.dynamodb!.OldImage).toEqual(ofKey[i - 1]!.dynamodb!.NewImage);
      }
      expect(ofKey[0]!.eventName).toBe('INSERT');
    }
  });

  test('a table without a stream records nothing and has no stream', async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'st-none',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await put('st-none', 'a', '1');
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'st-none' }));
    expect(Table!.StreamSpecification).toBeUndefined();
    expect(Table!.LatestStreamArn).toBeUndefined();
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'st-none' }));
    expect(Streams).toEqual([]);
  });
});

describe("the table's stream", () => {
  test('DescribeTable and ListStreams show the stream CreateTable enabled', async () => {
    const arn = await createStreamTable(dynamo, 'st-describe', 'NEW_IMAGE');
    expect(arn).toMatch(/^arn:aws:dynamodb:us-east-1:\d{12}:table\/st-describe\/stream\/\d{4}-\d\d-\d\dT/);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'st-describe' }));
    expect(Table!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(Table!.LatestStreamArn).toBe(arn);
    expect(arn.endsWith(`/stream/${Table!.LatestStreamLabel}`)).toBe(true);
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'st-describe' }));
    expect(Streams).toEqual([
      { StreamArn: arn, TableName: 'st-describe', StreamLabel: Table!.LatestStreamLabel },
    ]);
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    expect(StreamDescription).toMatchObject({
      StreamStatus: 'ENABLED',
      StreamViewType: 'NEW_IMAGE',
      TableName: 'st-describe',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    expect(StreamDescription!.Shards).toHaveLength(1);
    expect(StreamDescription!.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber).toBeUndefined();
  });

  test('disabling keeps the old stream readable; re-enabling makes a new ARN', async () => {
    const first = await createStreamTable(dynamo, 'st-reenable');
    await put('st-reenable', 'a', 'before');
    const disabled = await dynamo.send(
      new UpdateTableCommand({ TableName: 'st-reenable', StreamSpecification: { StreamEnabled: false } }),
    );
    expect(disabled.TableDescription!.StreamSpecification).toBeUndefined();
    expect(disabled.TableDescription!.LatestStreamArn).toBe(first);
    await put('st-reenable', 'b', 'unrecorded');

    const enabled = await dynamo.send(
      new UpdateTableCommand({
        TableName: 'st-reenable',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
    );
    const second = enabled.TableDescription!.LatestStreamArn!;
    expect(second).not.toBe(first);
    expect(enabled.TableDescription!.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'KEYS_ONLY',
    });
    await put('st-reenable', 'c', 'after');

    const old = await streams.send(new DescribeStreamCommand({ StreamArn: first }));
    expect(old.StreamDescription!.StreamStatus).toBe('DISABLED');
    expect(old.StreamDescription!.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
    expect((await readStream(streams, first)).map((r) => r.dynamodb!.Keys!['pk']!.S)).toEqual(['a']);
    expect((await readStream(streams, second)).map((r) => r.dynamodb!.Keys!['pk']!.S)).toEqual(['c']);
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'st-reenable' }));
    expect(Streams!.map((s) => s.StreamArn).sort()).toEqual([first, second].sort());
  });

  test('UpdateTable refuses enabling an enabled stream, disabling none, and a bad specification', async () => {
    const arn = await createStreamTable(dynamo, 'st-refusals');
    const again = await failure(
      dynamo.send(
        new UpdateTableCommand({
          TableName: 'st-refusals',
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        }),
      ),
    );
    expect(again.name).toBe('ValidationException');
    expect(again.message).toContain(arn);
    await dynamo.send(
      new UpdateTableCommand({ TableName: 'st-refusals', StreamSpecification: { StreamEnabled: false } }),
    );
    const none = await failure(
      dynamo.send(
        new UpdateTableCommand({ TableName: 'st-refusals', StreamSpecification: { StreamEnabled: false } }),
      ),
    );
    expect(none.name).toBe('ValidationException');
    expect(none.message).toMatch(/has no enabled stream/);
    const noView = await failure(
      dynamo.send(
        new UpdateTableCommand({ TableName: 'st-refusals', StreamSpecification: { StreamEnabled: true } }),
      ),
    );
    expect(noView.name).toBe('ValidationException');
    expect(noView.message).toMatch(/StreamViewType: KEYS_ONLY \| NEW_IMAGE/);
    const missing = await failure(
      dynamo.send(
        new UpdateTableCommand({ TableName: 'st-absent', StreamSpecification: { StreamEnabled: false } }),
      ),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  test('a global table has a NEW_AND_OLD_IMAGES stream that cannot be disabled', async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'st-global',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    sandbox.world.region('us-east-1').tables.set('st-global', {
      tableName: 'st-global',
      region: 'us-east-1',
      replicas: [{ regionName: 'us-west-2', replicaStatus: 'ACTIVE' }],
    });
    await put('st-global', 'g', '1');
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'st-global' }));
    expect(Table!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect((await readStream(streams, Table!.LatestStreamArn!)).map(summary)).toEqual([
      {
        eventName: 'INSERT',
        keys: { pk: { S: 'g' } },
        oldImage: undefined,
        newImage: { pk: { S: 'g' }, v: { S: '1' } },
      },
    ]);
    const refused = await failure(
      dynamo.send(
        new UpdateTableCommand({ TableName: 'st-global', StreamSpecification: { StreamEnabled: false } }),
      ),
    );
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toBe('Disabling Stream is not allowed for a Global Table replica.');
  });

  test("a removed replica's stream, in the replica's Region, is disabled and stays readable", async () => {
    const west = sandboxClient(DynamoDBClient, sandbox, 'us-west-2');
    const westStreams = sandboxClient(DynamoDBStreamsClient, sandbox, 'us-west-2');
    try {
      for (const [client, region, other] of [
        [dynamo, 'us-east-1', 'us-west-2'],
        [west, 'us-west-2', 'us-east-1'],
      ] as const) {
        await client.send(
          new CreateTableCommand({
            TableName: 'st-replica',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
        sandbox.world.region(region).tables.set('st-replica', {
          tableName: 'st-replica',
          region,
          replicas: [{ regionName: other, replicaStatus: 'ACTIVE' }],
        });
      }
      await west.send(new PutItemCommand({ TableName: 'st-replica', Item: { pk: { S: 'w' } } }));
      const { Table } = await west.send(new DescribeTableCommand({ TableName: 'st-replica' }));
      sandbox.world.tableTimings = { ...sandbox.world.tableTimings, replicaDeleteMs: 0 };
      await dynamo.send(
        new UpdateTableCommand({
          TableName: 'st-replica',
          ReplicaUpdates: [{ Delete: { RegionName: 'us-west-2' } }],
        }),
      );
      // The next DynamoDB call settles the removal: the replica's table goes.
      await dynamo.send(new DescribeTableCommand({ TableName: 'st-replica' }));
      const { StreamDescription } = await westStreams.send(
        new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }),
      );
      expect(StreamDescription!.StreamStatus).toBe('DISABLED');
      expect((await readStream(westStreams, Table!.LatestStreamArn!)).map((r) => r.eventName)).toEqual([
        'INSERT',
      ]);
    } finally {
      sandbox.world.tableTimings = {
        ...sandbox.world.tableTimings,
        replicaDeleteMs: DEFAULT_TABLE_TIMINGS.replicaDeleteMs,
      };
      west.destroy();
      westStreams.destroy();
    }
  });

  test("a deleted table's stream is disabled and stays readable", async () => {
    const arn = await createStreamTable(dynamo, 'st-deleted');
    await put('st-deleted', 'a', '1');
    await dynamo.send(new DeleteTableCommand({ TableName: 'st-deleted' }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    expect(StreamDescription!.StreamStatus).toBe('DISABLED');
    expect((await readStream(streams, arn)).map((r) => r.eventName)).toEqual(['INSERT']);
  });
});
