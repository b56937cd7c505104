import { CreateTableCommand, type DynamoDBClient, type StreamViewType } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';

/*
 * Test support for the stream tests, never imported by the sandbox itself. What they share: a table with a stream, and reading a stream whole the way a consumer
 * does (every shard, parents before children, each until its iterator ends or it has nothing more).
 */

/** Creates a `pk`-keyed table with a stream of `viewType`; returns the stream's ARN. */
export async function createStreamTable(
  dynamo: DynamoDBClient,
  name: string,
  viewType: StreamViewType = 'NEW_AND_OLD_IMAGES',
): Promise<string> {
  const { TableDescription } = await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    }),
  );
  return TableDescription!.LatestStreamArn!;
}

/** Every shard of the stream, all DescribeStream pages. */
export async function shardsOf(streams: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
    );
    shards.push(...(StreamDescription!.Shards ?? []));
    start = StreamDescription!.LastEvaluatedShardId;
  } while (start);
  return shards;
}

/** The records of one shard from TRIM_HORIZON, and whether its iterator ended (a closed shard read whole). */
export async function readShard(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  shardId: string,
  limit?: number,
): Promise<{ records: _Record[]; ended: boolean }> {
  let { ShardIterator: iterator } = await streams.send(
    new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const records: _Record[] = [];
  while (iterator) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    records.push(...(page.Records ?? []));
    iterator = page.NextShardIterator;
    // An open shard has nothing more once a page comes back empty.
    if ((page.Records ?? []).length === 0) return { records, ended: iterator === undefined };
  }
  return { records, ended: true };
}

/** Every record of the stream, parent shards before their children (the order DynamoDB asks for). */
export async function readStream(streams: DynamoDBStreamsClient, streamArn: string): Promise<_Record[]> {
  const shards = await shardsOf(streams, streamArn);
  const ordered: Shard[] = [];
  const placed = new Set<string>();
  while (ordered.length < shards.length) {
    const next = shards.find(
      (s) =>
        !placed.has(s.ShardId!) &&
        (!s.ParentShardId ||
          placed.has(s.ParentShardId) ||
          !shards.some((p) => p.ShardId === s.ParentShardId)),
    );
    if (!next) throw new Error('shards form a cycle');
    ordered.push(next);
    placed.add(next.ShardId!);
  }
  const records: _Record[] = [];
  for (const shard of ordered) records.push(...(await readShard(streams, streamArn, shard.ShardId!)).records);
  return records;
}

/** A record as the tests compare it: what happened, to which key, with which images. */
export function summary(record: _Record): {
  eventName: string | undefined;
  keys: unknown;
  oldImage: unknown;
  newImage: unknown;
} {
  return {
    eventName: record.eventName,
    keys: record.dynamodb?.Keys,
    oldImage: record.dynamodb?.OldImage,
    newImage: record.dynamodb?.NewImage,
  };
}
