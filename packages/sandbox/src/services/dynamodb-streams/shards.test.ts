import { DynamoDBClient, PutItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { passTime } from '../../clock.js';
import { Sandbox } from '../../server.js';
import { failure, sandboxClient } from '../../test-support.js';
import { rollOverStreamShards } from './index.js';
import { createStreamTable, readShard, readStream, shardsOf } from './test-support.js';

/*
 * Shards, retention and iterators on the sandbox's clock. The clock only moves forward, so every test
 * has its own table and assumes nothing about the time the ones before it passed.
 */

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

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

afterEach(() => {
  sandbox.world.tableTimings = { ...sandbox.world.tableTimings, streamShardLifetimeMs: 4 * HOUR };
});

const put = (table: string, pk: string) =>
  dynamo.send(
    new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, at: { N: String(Date.now()) } } }),
  );

const pks = (records: { dynamodb?: { Keys?: Record<string, { S?: string }> } }[]) =>
  records.map((r) => r.dynamodb!.Keys!['pk']!.S);

async function iterator(
  arn: string,
  shardId: string,
  type: 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER',
  sequence?: string,
): Promise<string> {
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: arn,
      ShardId: shardId,
      ShardIteratorType: type,
      SequenceNumber: sequence,
    }),
  );
  return ShardIterator!;
}

describe('shards', () => {
  test('after its lifetime the shard closes and a child opens; parent then child reads in order', async () => {
    const arn = await createStreamTable(dynamo, 'sh-lifetime');
    await put('sh-lifetime', 'a');
    await put('sh-lifetime', 'b');
    passTime(sandbox, 4 * HOUR + MINUTE);
    await put('sh-lifetime', 'c');

    const [parent, child, ...more] = await shardsOf(streams, arn);
    expect(more).toEqual([]);
    expect(child!.ParentShardId).toBe(parent!.ShardId);
    expect(parent!.SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
    expect(child!.SequenceNumberRange!.EndingSequenceNumber).toBeUndefined();
    // The closed parent, read whole, ends its iterator; the open child's goes on.
    expect(await readShard(streams, arn, parent!.ShardId!).then((r) => [pks(r.records), r.ended])).toEqual([
      ['a', 'b'],
      true,
    ]);
    expect(await readShard(streams, arn, child!.ShardId!).then((r) => [pks(r.records), r.ended])).toEqual([
      ['c'],
      false,
    ]);
    const records = await readStream(streams, arn);
    expect(pks(records)).toEqual(['a', 'b', 'c']);
    // Stamped on the sandbox's clock, which is now more than 4 h ahead of the machine's.
    const stampedAt = records[2]!.dynamodb!.ApproximateCreationDateTime!.getTime();
    expect(stampedAt).toBeGreaterThan(Date.now() + 4 * HOUR);
    expect(stampedAt).toBeLessThanOrEqual(sandbox.now().getTime());
  });

  test('a test rolls the stream over on demand; CHILD_SHARDS finds the child', async () => {
    const arn = await createStreamTable(dynamo, 'sh-roll');
    await put('sh-roll', 'a');
    rollOverStreamShards(sandbox, 'us-east-1', 'sh-roll');
    await put('sh-roll', 'b');
    rollOverStreamShards(sandbox, 'us-east-1', 'sh-roll');
    const shards = await shardsOf(streams, arn);
    expect(shards).toHaveLength(3);
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({
        StreamArn: arn,
        ShardFilter: { Type: 'CHILD_SHARDS', ShardId: shards[0]!.ShardId! },
      }),
    );
    expect(StreamDescription!.Shards!.map((s) => s.ShardId)).toEqual([shards[1]!.ShardId]);
    // One shard a page: LastEvaluatedShardId leads to the next.
    const first = await streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 1 }));
    expect(first.StreamDescription!.Shards!.map((s) => s.ShardId)).toEqual([shards[0]!.ShardId]);
    expect(first.StreamDescription!.LastEvaluatedShardId).toBe(shards[0]!.ShardId);
    // The open child, still empty: its iterator goes on.
    const empty = await readShard(streams, arn, shards[2]!.ShardId!);
    expect(empty.records).toEqual([]);
    expect(empty.ended).toBe(false);
    expect(pks(await readStream(streams, arn))).toEqual(['a', 'b']);
    expect(() => rollOverStreamShards(sandbox, 'us-east-1', 'sh-none')).toThrow(/has no enabled stream/);
  });

  test('iterator positions: LATEST, AT and AFTER_SEQUENCE_NUMBER, and paging by Limit', async () => {
    const arn = await createStreamTable(dynamo, 'sh-positions');
    for (const pk of ['a', 'b', 'c', 'd', 'e']) await put('sh-positions', pk);
    const [shard] = await shardsOf(streams, arn);
    const latest = await iterator(arn, shard!.ShardId!, 'LATEST');
    await put('sh-positions', 'f');
    expect(pks((await streams.send(new GetRecordsCommand({ ShardIterator: latest }))).Records!)).toEqual([
      'f',
    ]);

    const all = (await readShard(streams, arn, shard!.ShardId!)).records;
    const c = all[2]!.dynamodb!.SequenceNumber!;
    const at = await iterator(arn, shard!.ShardId!, 'AT_SEQUENCE_NUMBER', c);
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: at, Limit: 2 }));
    expect(pks(page.Records!)).toEqual(['c', 'd']);
    const next = await streams.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator! }));
    expect(pks(next.Records!)).toEqual(['e', 'f']);
    const after = await iterator(arn, shard!.ShardId!, 'AFTER_SEQUENCE_NUMBER', c);
    expect(pks((await streams.send(new GetRecordsCommand({ ShardIterator: after }))).Records!)).toEqual([
      'd',
      'e',
      'f',
    ]);
  });
});

describe('retention and expiry on the sandbox clock', () => {
  test('records older than 24 hours are trimmed: TRIM_HORIZON starts at the oldest kept', async () => {
    // One long-lived shard, so that trimmed and kept records share it.
    sandbox.world.tableTimings = { ...sandbox.world.tableTimings, streamShardLifetimeMs: 100 * HOUR };
    const arn = await createStreamTable(dynamo, 'sh-trim');
    await put('sh-trim', 'old');
    const [shard] = await shardsOf(streams, arn);
    const oldSequence = (await readShard(streams, arn, shard!.ShardId!)).records[0]!.dynamodb!
      .SequenceNumber!;
    passTime(sandbox, 20 * HOUR);
    await put('sh-trim', 'kept');
    passTime(sandbox, 5 * HOUR);

    expect(pks((await readShard(streams, arn, shard!.ShardId!)).records)).toEqual(['kept']);
    const trimmed = await failure(
      streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shard!.ShardId!,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: oldSequence,
        }),
      ),
    );
    expect(trimmed.name).toBe('TrimmedDataAccessException');
    expect(trimmed.message).toMatch(/older than the 24-hour retention window/);
  });

  test('an iterator pointing before records trimmed since it was given is refused', async () => {
    sandbox.world.tableTimings = { ...sandbox.world.tableTimings, streamShardLifetimeMs: 100 * HOUR };
    const arn = await createStreamTable(dynamo, 'sh-trim-later');
    await put('sh-trim-later', 'aging');
    passTime(sandbox, 24 * HOUR - 5 * MINUTE);
    const [shard] = await shardsOf(streams, arn);
    const horizon = await iterator(arn, shard!.ShardId!, 'TRIM_HORIZON');
    passTime(sandbox, 10 * MINUTE);
    const error = await failure(streams.send(new GetRecordsCommand({ ShardIterator: horizon })));
    expect(error.name).toBe('TrimmedDataAccessException');
  });

  test('closed shards past the window are gone, and so is a disabled stream with none left', async () => {
    const arn = await createStreamTable(dynamo, 'sh-expire');
    await put('sh-expire', 'a');
    const [first] = await shardsOf(streams, arn);
    passTime(sandbox, 29 * HOUR);
    const shards = await shardsOf(streams, arn);
    expect(shards.map((s) => s.ShardId)).not.toContain(first!.ShardId);
    const gone = await failure(
      streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: first!.ShardId!,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      ),
    );
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(await readStream(streams, arn)).toEqual([]);

    await dynamo.send(
      new UpdateTableCommand({ TableName: 'sh-expire', StreamSpecification: { StreamEnabled: false } }),
    );
    expect(
      (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.StreamStatus,
    ).toBe('DISABLED');
    passTime(sandbox, 25 * HOUR);
    const expired = await failure(streams.send(new DescribeStreamCommand({ StreamArn: arn })));
    expect(expired.name).toBe('ResourceNotFoundException');
    const { Streams } = await streams.send(new ListStreamsCommand({ TableName: 'sh-expire' }));
    expect(Streams).toEqual([]);
  });

  test('an iterator expires after 15 minutes; the next one it gave is fresh', async () => {
    const arn = await createStreamTable(dynamo, 'sh-iterator');
    const [shard] = await shardsOf(streams, arn);
    const first = await iterator(arn, shard!.ShardId!, 'TRIM_HORIZON');
    passTime(sandbox, 14 * MINUTE);
    const { NextShardIterator } = await streams.send(new GetRecordsCommand({ ShardIterator: first }));
    passTime(sandbox, 2 * MINUTE);
    const expired = await failure(streams.send(new GetRecordsCommand({ ShardIterator: first })));
    expect(expired.name).toBe('ExpiredIteratorException');
    await put('sh-iterator', 'a');
    expect(
      pks((await streams.send(new GetRecordsCommand({ ShardIterator: NextShardIterator! }))).Records!),
    ).toEqual(['a']);
  });
});

describe('refusals', () => {
  test('unknown streams and shards, bad limits, iterator types and iterators', async () => {
    const arn = await createStreamTable(dynamo, 'sh-refusals');
    const [shard] = await shardsOf(streams, arn);
    const cases: [Promise<unknown>, string, RegExp][] = [
      [
        streams.send(new DescribeStreamCommand({ StreamArn: `${arn}-missing` })),
        'ResourceNotFoundException',
        /Stream: .* not found/,
      ],
      [
        streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: 'shardId-missing',
            ShardIteratorType: 'LATEST',
          }),
        ),
        'ResourceNotFoundException',
        /Shard: shardId-missing/,
      ],
      [
        streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shard!.ShardId!,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          }),
        ),
        'ValidationException',
        /SequenceNumber is required for AT_SEQUENCE_NUMBER/,
      ],
      [
        streams.send(
          new GetShardIteratorCommand({
            StreamArn: arn,
            ShardId: shard!.ShardId!,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            SequenceNumber: '1',
          }),
        ),
        'ValidationException',
        /not within the shard's SequenceNumberRange/,
      ],
      [
        streams.send(
          new GetRecordsCommand({
            ShardIterator: await iterator(arn, shard!.ShardId!, 'LATEST'),
            Limit: 1001,
          }),
        ),
        'ValidationException',
        /less than or equal to 1000/,
      ],
      [
        streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })),
        'ValidationException',
        /ShardIterator/,
      ],
      [
        streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 101 })),
        'ValidationException',
        /from 1 to 100/,
      ],
      [streams.send(new ListStreamsCommand({ Limit: 0 })), 'ValidationException', /from 1 to 100/],
    ];
    for (const [call, name, message] of cases) {
      const error = await failure(call);
      expect([error.name, error.message]).toEqual([name, expect.stringMatching(message)]);
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });
});
