import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeMap } from '../../data/dynamodb/attribute-json.js';
import { describeAwsError } from '../../errors/index.js';
import { VerdictError } from '../../errors/index.js';
import type { StreamPositions } from './positions.js';

/** One change of v1's table, as the stream recorded it. */
export interface StreamChange {
  shardId: string;
  sequenceNumber: string;
  /** ApproximateCreationDateTime: when v1 took the write (whole seconds). */
  at: Date;
  keys: AttributeMap;
  /** The item after the write; absent for a REMOVE. */
  newImage?: AttributeMap;
  /** The item before the write; absent for an INSERT (and for a NEW_IMAGE stream). */
  oldImage?: AttributeMap;
}

/** GetRecords' largest page. */
const PAGE = 1000;
/**
 * Records this much older than `since` are skipped when a shard is read from its trim horizon: the scan,
 * which began at `since`, read what they wrote. The margin covers ApproximateCreationDateTime's whole
 * seconds and a runner's clock that differs from AWS's.
 */
export const SINCE_MARGIN_MS = 60_000;

/**
 * Reads v1's stream shard by shard, a parent to its end before its children (DynamoDB keeps a key's
 * changes in order only that way), from where `positions` says each stands: after the last record
 * applied, or, for a shard nothing was applied from, its trim horizon. A fresh start (`openAtLatest`)
 * reads only what is written from now on, the scan covering the rest. Reading does not move the
 * positions: `committed` does, once the changes read were applied to v2, so that a run killed in
 * between reads them again.
 */
export class StreamReader {
  private readonly iterators = new Map<string, string>();
  /** The last sequence number read, by shard: where an expired iterator is taken up again. */
  private readonly lastRead = new Map<string, string>();
  /** Shards read to their end whose records are not all committed yet. */
  private readonly endedUncommitted = new Set<string>();
  private shards = new Map<string, Shard>();
  /** Whether the last round found nothing in any shard. */
  private idle = false;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    readonly positions: StreamPositions,
  ) {}

  /** From now on: every shard open now at LATEST; shards already closed hold only what the scan sees. */
  async openAtLatest(): Promise<void> {
    await this.describe();
    for (const shard of this.shards.values()) {
      const id = shard.ShardId!;
      if (shard.SequenceNumberRange?.EndingSequenceNumber) this.positions.shards[id] = { ended: true };
      else {
        this.positions.shards[id] = {};
        this.iterators.set(id, await this.iterator(id, 'LATEST'));
      }
    }
  }

  /** From the positions: each unfinished shard whose parent is finished (or gone). */
  async openAtPositions(): Promise<void> {
    await this.describe();
    await this.openReadyShards();
  }

  /** Whether the last round found no record in any shard: the reader is at the stream's tip. */
  get atTip(): boolean {
    return this.idle;
  }

  /** One GetRecords per shard being read; a shard that ended lets its children in for the next round. */
  async read(): Promise<StreamChange[]> {
    const changes: StreamChange[] = [];
    let ended = false;
    const since = Date.parse(this.positions.since) - SINCE_MARGIN_MS;
    for (const [shardId, iterator] of [...this.iterators]) {
      const page = await this.getRecords(shardId, iterator);
      for (const record of page.Records ?? []) {
        const data = record.dynamodb!;
        const sequenceNumber = data.SequenceNumber!;
        this.lastRead.set(shardId, sequenceNumber);
        const at = data.ApproximateCreationDateTime ?? new Date();
        if (at.getTime() < since) continue;
        changes.push({
          shardId,
          sequenceNumber,
          at,
          keys: data.Keys as AttributeMap,
          ...(record.eventName !== 'REMOVE' && data.NewImage
            ? { newImage: data.NewImage as AttributeMap }
            : {}),
          ...(data.OldImage ? { oldImage: data.OldImage as AttributeMap } : {}),
        });
      }
      // A closed shard read to its end answers no NextShardIterator (null on the wire).
      if (page.NextShardIterator) this.iterators.set(shardId, page.NextShardIterator);
      else {
        this.iterators.delete(shardId);
        this.endedUncommitted.add(shardId);
        ended = true;
      }
    }
    this.idle = changes.length === 0 && !ended;
    if (ended) {
      // Its children may not be listed yet if they were made after the last DescribeStream.
      await this.describe();
      await this.openReadyShards();
    }
    return changes;
  }

  /** The changes given were applied to v2: the positions move past them. */
  committed(changes: readonly StreamChange[]): void {
    for (const change of changes) {
      const position = (this.positions.shards[change.shardId] ??= {});
      position.after = change.sequenceNumber;
    }
    for (const shardId of this.endedUncommitted) {
      const position = (this.positions.shards[shardId] ??= {});
      position.ended = true;
    }
    this.endedUncommitted.clear();
  }

  private async openReadyShards(): Promise<void> {
    for (const shard of this.shards.values()) {
      const id = shard.ShardId!;
      if (this.iterators.has(id) || this.endedUncommitted.has(id)) continue;
      if (this.positions.shards[id]?.ended) continue;
      const parent = shard.ParentShardId;
      // A parent trimmed away (not listed) holds nothing left to read first.
      const parentDone =
        !parent ||
        !this.shards.has(parent) ||
        this.positions.shards[parent]?.ended === true ||
        this.endedUncommitted.has(parent);
      if (!parentDone) continue;
      const after = this.positions.shards[id]?.after;
      this.positions.shards[id] ??= {};
      this.iterators.set(
        id,
        after
          ? await this.iterator(id, 'AFTER_SEQUENCE_NUMBER', after)
          : await this.iterator(id, 'TRIM_HORIZON'),
      );
    }
  }

  /** Every shard of the stream, all DescribeStream pages (there is no paginator for Streams). */
  private async describe(): Promise<void> {
    const shards = new Map<string, Shard>();
    let start: string | undefined;
    do {
      let description;
      try {
        ({ StreamDescription: description } = await this.streams.send(
          new DescribeStreamCommand({ StreamArn: this.positions.streamArn, ExclusiveStartShardId: start }),
        ));
      } catch (error) {
        throw this.failure(error, 'DescribeStream');
      }
      if (description?.StreamStatus === 'DISABLED' || description?.StreamStatus === 'DISABLING') {
        throw new VerdictError(
          `The stream of the v1 table ${this.positions.table} (${this.positions.streamArn}) was disabled: v1's writes since ` +
            'then cannot be carried to v2. Enable it, then copy again (allow-non-empty-target: true).',
        );
      }
      for (const shard of description?.Shards ?? []) shards.set(shard.ShardId!, shard);
      start = description?.LastEvaluatedShardId;
    } while (start);
    this.shards = shards;
    // A finished shard past the retention is no longer listed: its position is not needed any more.
    for (const [id, position] of Object.entries(this.positions.shards)) {
      if (position.ended && !shards.has(id)) delete this.positions.shards[id];
    }
  }

  private async iterator(shardId: string, type: ShardIteratorType, sequenceNumber?: string): Promise<string> {
    try {
      const out = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.positions.streamArn,
          ShardId: shardId,
          ShardIteratorType: type,
          ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
        }),
      );
      return out.ShardIterator!;
    } catch (error) {
      throw this.failure(error, 'GetShardIterator', shardId);
    }
  }

  private async getRecords(shardId: string, iterator: string) {
    try {
      return await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: PAGE }));
    } catch (error) {
      // An iterator lives 15 minutes: take the shard up again after the last record read.
      if ((error as Error).name !== 'ExpiredIteratorException')
        throw this.failure(error, 'GetRecords', shardId);
      const after = this.lastRead.get(shardId) ?? this.positions.shards[shardId]?.after;
      const fresh = after
        ? await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', after)
        : await this.iterator(shardId, 'TRIM_HORIZON');
      try {
        return await this.streams.send(new GetRecordsCommand({ ShardIterator: fresh, Limit: PAGE }));
      } catch (again) {
        throw this.failure(again, 'GetRecords', shardId);
      }
    }
  }

  private failure(error: unknown, operation: string, shardId?: string): Error {
    const where = `${this.positions.streamArn}${shardId ? ` ${shardId}` : ''}`;
    if ((error as Error).name === 'TrimmedDataAccessException') {
      return new VerdictError(
        `The stream of the v1 table ${this.positions.table} no longer holds the records after the last one applied to v2 ` +
          `(${where}): they are older than its 24-hour retention and were trimmed, so v1's writes since then cannot be carried. ` +
          'Copy the table again (migrate-data with allow-non-empty-target: true), then parity, then cut over within 24 hours of it.',
      );
    }
    return new Error(describeAwsError(error, { operation: `dynamodb:${operation}`, resource: where }), {
      cause: error,
    });
  }
}
