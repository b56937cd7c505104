import { randomBytes, randomUUID } from 'node:crypto';
import type {
  RegionState,
  StreamRecord,
  StreamShard,
  StreamViewType,
  TableOverlay,
  TableStream,
  WireItem,
} from '../../world/types.js';
import type { World } from '../../world/world.js';

/*
 * The sandbox's DynamoDB Streams store, kept in the World beside dynalite (which has no Streams,
 * replication.md §4). Time is the sandbox clock's: shards roll over after `streamShardLifetimeMs` and
 * records older than the 24-hour retention window are trimmed, both settled lazily whenever a stream is
 * read or written, so that `passTime` moves them like everything else.
 */

/** DynamoDB Streams keeps records for 24 hours. */
export const STREAM_RETENTION_MS = 24 * 60 * 60 * 1000;

export const STREAM_VIEW_TYPES: readonly StreamViewType[] = [
  'KEYS_ONLY',
  'NEW_IMAGE',
  'OLD_IMAGE',
  'NEW_AND_OLD_IMAGES',
];

/** A global table (2019.11.21) always has a stream with both images: its replication runs on it. */
export const GLOBAL_TABLE_VIEW_TYPE: StreamViewType = 'NEW_AND_OLD_IMAGES';

/** The table's current stream when it is enabled. */
export function enabledStream(
  state: RegionState,
  overlay: TableOverlay | undefined,
): TableStream | undefined {
  const stream = overlay?.latestStreamArn ? state.tableStreams.get(overlay.latestStreamArn) : undefined;
  return stream?.status === 'ENABLED' ? stream : undefined;
}

/**
 * Enables a new stream on the table: a new ARN and label every time, even for a table whose earlier
 * stream was disabled (that one stays readable until its records expire). Creates the table's overlay
 * when it has none.
 */
export function enableStream(
  world: World,
  region: string,
  tableName: string,
  viewType: StreamViewType,
  keySchema: TableStream['keySchema'],
  now: Date,
): TableStream {
  const state = world.region(region);
  let overlay = state.tables.get(tableName);
  if (!overlay) {
    overlay = { tableName, region, replicas: [] };
    state.tables.set(tableName, overlay);
  }
  // The label is the creation time; two streams of one table in the same millisecond still differ.
  let at = now.getTime();
  const labelAt = (ms: number) => new Date(ms).toISOString().replace('Z', '');
  const arnOf = (ms: number) => world.arn('dynamodb', region, `table/${tableName}/stream/${labelAt(ms)}`);
  while (state.tableStreams.has(arnOf(at))) at += 1;
  const stream: TableStream = {
    arn: arnOf(at),
    label: labelAt(at),
    tableName,
    region,
    viewType,
    status: 'ENABLED',
    createdAt: now,
    keySchema,
    shards: [],
  };
  stream.shards.push(openShard(state, now));
  state.tableStreams.set(stream.arn, stream);
  overlay.latestStreamArn = stream.arn;
  return stream;
}

/** Disables the table's stream: its open shard closes; its records stay readable for 24 hours. */
export function disableStream(state: RegionState, stream: TableStream, now: Date): void {
  const open = openShardOf(stream);
  if (open) closeShard(state, open, now);
  stream.status = 'DISABLED';
}

/**
 * Brings a stream up to the clock: the open shard rolls over as many times as its lifetime has passed,
 * then records and closed shards older than the retention window go.
 */
export function settle(world: World, stream: TableStream, now: Date): void {
  const state = world.region(stream.region);
  const lifetime = world.tableTimings.streamShardLifetimeMs;
  let open = openShardOf(stream);
  while (open && lifetime > 0 && open.openedAt.getTime() + lifetime <= now.getTime()) {
    open = rollOver(state, stream, open, new Date(open.openedAt.getTime() + lifetime));
  }
  const horizon = now.getTime() - STREAM_RETENTION_MS;
  for (const shard of stream.shards) {
    const firstKept = shard.records.findIndex((r) => r.createdAt.getTime() >= horizon);
    const trimmed = firstKept === -1 ? shard.records.length : firstKept;
    if (trimmed === 0) continue;
    shard.trimmedThrough = shard.records[trimmed - 1]!.sequenceNumber;
    shard.records = shard.records.slice(trimmed);
  }
  // A closed shard is gone once everything it held is past the window.
  stream.shards = stream.shards.filter((s) => !s.closedAt || s.closedAt.getTime() >= horizon);
}

/** Every stream of the Region, settled, with those entirely expired forgotten. */
export function liveStreams(world: World, region: string, now: Date): TableStream[] {
  const state = world.region(region);
  for (const stream of state.tableStreams.values()) {
    settle(world, stream, now);
    if (stream.status === 'DISABLED' && stream.shards.length === 0) state.tableStreams.delete(stream.arn);
  }
  return [...state.tableStreams.values()];
}

/** Closes the stream's open shard now and opens its child: what DynamoDB does every few hours. */
export function rollOverNow(world: World, stream: TableStream, now: Date): void {
  settle(world, stream, now);
  const open = openShardOf(stream);
  if (open) rollOver(world.region(stream.region), stream, open, now);
}

/** Appends a record of one item's change to the stream's open shard (settled to `now` first). */
export function appendRecord(
  world: World,
  stream: TableStream,
  change: { keys: WireItem; oldImage?: WireItem; newImage?: WireItem },
  region: string,
  now: Date,
): StreamRecord {
  settle(world, stream, now);
  const shard = openShardOf(stream);
  if (!shard) throw new Error(`sandbox: stream ${stream.arn} has no open shard`);
  const eventName = !change.oldImage ? 'INSERT' : !change.newImage ? 'REMOVE' : 'MODIFY';
  const withOld = stream.viewType === 'OLD_IMAGE' || stream.viewType === 'NEW_AND_OLD_IMAGES';
  const withNew = stream.viewType === 'NEW_IMAGE' || stream.viewType === 'NEW_AND_OLD_IMAGES';
  const oldImage = withOld ? change.oldImage : undefined;
  const newImage = withNew ? change.newImage : undefined;
  const record: StreamRecord = {
    eventID: randomUUID().replace(/-/g, ''),
    eventName,
    sequenceNumber: nextSequence(world.region(region)),
    createdAt: now,
    keys: change.keys,
    ...(oldImage ? { oldImage } : {}),
    ...(newImage ? { newImage } : {}),
    sizeBytes: Buffer.byteLength(JSON.stringify([change.keys, oldImage ?? {}, newImage ?? {}]), 'utf8'),
  };
  shard.records.push(record);
  return record;
}

export function openShardOf(stream: TableStream): StreamShard | undefined {
  const last = stream.shards.at(-1);
  return last && !last.closedAt ? last : undefined;
}

/** Sequence numbers compare as numbers; they are decimal strings on the wire. */
export function compareSequence(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function rollOver(state: RegionState, stream: TableStream, open: StreamShard, at: Date): StreamShard {
  closeShard(state, open, at);
  const child = openShard(state, at, open.shardId);
  stream.shards.push(child);
  return child;
}

function openShard(state: RegionState, at: Date, parentShardId?: string): StreamShard {
  return {
    // AWS's form: shardId-<20 digits>-<8 hex>.
    shardId: `shardId-${String(at.getTime()).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
    ...(parentShardId ? { parentShardId } : {}),
    openedAt: at,
    startingSequenceNumber: nextSequence(state),
    records: [],
  };
}

function closeShard(state: RegionState, shard: StreamShard, at: Date): void {
  shard.closedAt = at;
  shard.endingSequenceNumber = shard.records.at(-1)?.sequenceNumber ?? nextSequence(state);
}

/** Region-wide, increasing, and of one width (21 digits, as AWS's), so they also sort as strings. */
function nextSequence(state: RegionState): string {
  state.streamSequence += 1n;
  return (10n ** 20n + state.streamSequence * 100n).toString();
}
