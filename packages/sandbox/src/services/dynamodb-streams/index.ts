import { AwsError } from '../../errors.js';
import type { JsonService, RequestContext } from '../../protocols/types.js';
import type { StreamRecord, StreamShard, TableStream } from '../../world/types.js';
import type { DynaliteCall } from '../dynamodb/source-table.js';
import { decodeIterator, encodeIterator } from './iterators.js';
import { ensureGlobalStream } from './table-stream.js';
import { compareSequence, liveStreams, rollOverNow, settle } from './streams.js';
import type { Sandbox } from '../../server.js';

export { StreamRecorder, RECORDED_WRITES } from './recording.js';
export {
  STREAM_SPECIFYING_OPERATIONS,
  changeTableStream,
  describeTableStream,
  disableDeletedTableStream,
} from './table-stream.js';
export { STREAM_RETENTION_MS } from './streams.js';
export { ITERATOR_LIFETIME_MS } from './iterators.js';

/**
 * Rolls the table's stream over now, as DynamoDB does every few hours: its open shard closes and a child
 * shard opens (a test or the rehearsal need not wait `streamShardLifetimeMs`).
 */
export function rollOverStreamShards(sandbox: Sandbox, region: string, tableName: string): void {
  const state = sandbox.world.region(region);
  const arn = state.tables.get(tableName)?.latestStreamArn;
  const stream = arn ? state.tableStreams.get(arn) : undefined;
  if (!stream || stream.status !== 'ENABLED') {
    throw new Error(`rollOverStreamShards: table ${tableName} in ${region} has no enabled stream`);
  }
  rollOverNow(sandbox.world, stream, sandbox.now());
}

/** GetRecords answers at most this many records, and refuses a larger Limit. */
const MAX_RECORDS = 1000;
/** ... and at most about 1 MB of them. */
const MAX_RECORDS_BYTES = 1024 * 1024;
/** ListStreams' and DescribeStream's page size at most. */
const MAX_PAGE = 100;

const ITERATOR_TYPES = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'];

/**
 * DynamoDB Streams (JSON 1.0, signed `dynamodb` as the client signs): ListStreams, DescribeStream,
 * GetShardIterator and GetRecords over the streams the sandbox records for every write to a table with a
 * stream (recording.ts), shards and retention on the sandbox's clock (streams.ts). `call` reaches the
 * Region's dynalite, to learn a global table's key schema the first time its stream is needed.
 */
export function dynamoDbStreamsService(call: DynaliteCall): JsonService {
  return {
    signingName: 'dynamodb',
    targetPrefix: 'DynamoDBStreams_20120810',
    jsonVersion: '1.0',
    operations: {
      ListStreams: async (ctx, input) => {
        // Global tables have a stream whether or not anyone asked for it yet.
        for (const overlay of ctx.world.region(ctx.region).tables.values()) {
          await ensureGlobalStream(ctx, overlay, call);
        }
        const limit = pageLimit(input['Limit'], 'Limit');
        const tableName = input['TableName'];
        let streams = liveStreams(ctx.world, ctx.region, ctx.now())
          .filter((s) => tableName === undefined || s.tableName === tableName)
          .sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
        const start = input['ExclusiveStartStreamArn'];
        if (typeof start === 'string') streams = streams.filter((s) => s.arn > start);
        const page = streams.slice(0, limit);
        return {
          Streams: page.map((s) => ({ StreamArn: s.arn, TableName: s.tableName, StreamLabel: s.label })),
          ...(streams.length > limit ? { LastEvaluatedStreamArn: page.at(-1)!.arn } : {}),
        };
      },

      DescribeStream: (ctx, input) => {
        const stream = findStream(ctx, input['StreamArn']);
        const limit = pageLimit(input['Limit'], 'Limit');
        let shards = stream.shards;
        const filter = input['ShardFilter'] as { Type?: string; ShardId?: string } | undefined;
        if (filter !== undefined) {
          if (filter.Type !== 'CHILD_SHARDS' || typeof filter.ShardId !== 'string') {
            throw new AwsError(
              'ValidationException',
              'ShardFilter must be {Type: CHILD_SHARDS, ShardId: <the parent shard id>}.',
            );
          }
          shards = shards.filter((s) => s.parentShardId === filter.ShardId);
        }
        const start = input['ExclusiveStartShardId'];
        if (typeof start === 'string') {
          const at = shards.findIndex((s) => s.shardId === start);
          shards = at === -1 ? [] : shards.slice(at + 1);
        }
        const page = shards.slice(0, limit);
        return {
          StreamDescription: {
            StreamArn: stream.arn,
            StreamLabel: stream.label,
            StreamStatus: stream.status,
            StreamViewType: stream.viewType,
            CreationRequestDateTime: stream.createdAt,
            TableName: stream.tableName,
            KeySchema: stream.keySchema,
            Shards: page.map((s) => ({
              ShardId: s.shardId,
              ...(s.parentShardId ? { ParentShardId: s.parentShardId } : {}),
              SequenceNumberRange: {
                StartingSequenceNumber: s.startingSequenceNumber,
                ...(s.endingSequenceNumber ? { EndingSequenceNumber: s.endingSequenceNumber } : {}),
              },
            })),
            ...(shards.length > limit ? { LastEvaluatedShardId: page.at(-1)!.shardId } : {}),
          },
        };
      },

      GetShardIterator: (ctx, input) => {
        const stream = findStream(ctx, input['StreamArn']);
        const shard = findShard(stream, input['ShardId']);
        const type = input['ShardIteratorType'];
        if (typeof type !== 'string' || !ITERATOR_TYPES.includes(type)) {
          throw new AwsError(
            'ValidationException',
            `ShardIteratorType must be one of ${ITERATOR_TYPES.join(', ')}.`,
          );
        }
        let after: string;
        if (type === 'TRIM_HORIZON') {
          // The oldest record kept: the window has moved past everything up to trimmedThrough.
          after = shard.trimmedThrough ?? '0';
        } else if (type === 'LATEST') {
          // Only records written from now on: past the newest sequence number handed out.
          after =
            shard.endingSequenceNumber ??
            shard.records.at(-1)?.sequenceNumber ??
            shard.startingSequenceNumber;
        } else {
          const sequence = input['SequenceNumber'];
          if (typeof sequence !== 'string' || !/^\d{1,40}$/.test(sequence)) {
            throw new AwsError(
              'ValidationException',
              `SequenceNumber is required for ${type} and must be a record's SequenceNumber (a decimal string).`,
            );
          }
          if (!inShard(shard, sequence)) {
            throw new AwsError(
              'ValidationException',
              `Invalid SequenceNumber ${sequence} for shard ${shard.shardId}: it is not within the shard's SequenceNumberRange.`,
            );
          }
          refuseTrimmed(shard, sequence);
          after = type === 'AFTER_SEQUENCE_NUMBER' ? sequence : (BigInt(sequence) - 1n).toString();
        }
        return {
          ShardIterator: encodeIterator({
            streamArn: stream.arn,
            shardId: shard.shardId,
            after,
            issuedAtMs: ctx.now().getTime(),
          }),
        };
      },

      GetRecords: (ctx, input) => {
        const limit = input['Limit'] === undefined ? MAX_RECORDS : input['Limit'];
        if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_RECORDS) {
          throw new AwsError(
            'ValidationException',
            `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: ` +
              `Member must have value less than or equal to ${MAX_RECORDS} and at least 1`,
          );
        }
        const now = ctx.now();
        const position = decodeIterator(input['ShardIterator'], now);
        const stream = findStream(ctx, position.streamArn);
        const shard = findShard(stream, position.shardId);
        // A record the iterator still points before has been trimmed since it was handed out.
        if (shard.trimmedThrough && compareSequence(position.after, shard.trimmedThrough) < 0) {
          throw new AwsError(
            'TrimmedDataAccessException',
            'The operation attempted to read past the oldest stream record in a shard.',
          );
        }
        const pending = shard.records.filter((r) => compareSequence(r.sequenceNumber, position.after) > 0);
        const records: StreamRecord[] = [];
        let bytes = 0;
        for (const record of pending) {
          if (records.length >= limit || (records.length > 0 && bytes + record.sizeBytes > MAX_RECORDS_BYTES))
            break;
          records.push(record);
          bytes += record.sizeBytes;
        }
        const after = records.at(-1)?.sequenceNumber ?? position.after;
        // A closed shard read to its end has nothing more: its iterator ends (null on the wire).
        const exhausted = shard.closedAt !== undefined && records.length === pending.length;
        return {
          Records: records.map((r) => wireRecord(stream, r)),
          NextShardIterator: exhausted
            ? null
            : encodeIterator({ ...position, after, issuedAtMs: now.getTime() }),
        };
      },
    },
  };
}

function wireRecord(stream: TableStream, record: StreamRecord): Record<string, unknown> {
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: stream.region,
    dynamodb: {
      ApproximateCreationDateTime: record.createdAt,
      Keys: record.keys,
      ...(record.newImage ? { NewImage: record.newImage } : {}),
      ...(record.oldImage ? { OldImage: record.oldImage } : {}),
      SequenceNumber: record.sequenceNumber,
      SizeBytes: record.sizeBytes,
      StreamViewType: stream.viewType,
    },
  };
}

function findStream(ctx: RequestContext, arn: unknown): TableStream {
  if (typeof arn !== 'string' || arn.length === 0) {
    throw new AwsError(
      'ValidationException',
      'StreamArn is required: a LatestStreamArn from DescribeTable or ListStreams.',
    );
  }
  const stream = ctx.world.region(ctx.region).tableStreams.get(arn);
  if (stream) settle(ctx.world, stream, ctx.now());
  if (!stream || (stream.status === 'DISABLED' && stream.shards.length === 0)) {
    throw new AwsError('ResourceNotFoundException', `Requested resource not found: Stream: ${arn} not found`);
  }
  return stream;
}

function findShard(stream: TableStream, shardId: unknown): StreamShard {
  const shard = stream.shards.find((s) => s.shardId === shardId);
  if (!shard) {
    throw new AwsError(
      'ResourceNotFoundException',
      `Requested resource not found: Shard: ${String(shardId)} in Stream: ${stream.arn} not found`,
    );
  }
  return shard;
}

/** Whether a sequence number lies in the shard's range (an open shard's has no end yet). */
function inShard(shard: StreamShard, sequence: string): boolean {
  if (compareSequence(sequence, shard.startingSequenceNumber) < 0) return false;
  return !shard.endingSequenceNumber || compareSequence(sequence, shard.endingSequenceNumber) <= 0;
}

function refuseTrimmed(shard: StreamShard, sequence: string): void {
  if (shard.trimmedThrough && compareSequence(sequence, shard.trimmedThrough) <= 0) {
    throw new AwsError(
      'TrimmedDataAccessException',
      `The record ${sequence} is older than the 24-hour retention window of shard ${shard.shardId}: ` +
        'start from TRIM_HORIZON instead.',
    );
  }
}

function pageLimit(raw: unknown, name: string): number {
  if (raw === undefined) return MAX_PAGE;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_PAGE) {
    throw new AwsError(
      'ValidationException',
      `${name} must be an integer from 1 to ${MAX_PAGE}; got ${String(raw)}.`,
    );
  }
  return raw;
}
