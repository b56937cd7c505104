// DynamoDB Streams catch-up of v1's table into v2's: read from before the copy's scan, applied per key.
export { tableStream, type TableStream } from './stream-of-table.js';
export { parseStreamPositions, type StreamPositions, type ShardPosition } from './positions.js';
export { StreamReader, SINCE_MARGIN_MS, type StreamChange } from './reader.js';
export { applyChanges, type KeyConflict } from './apply.js';
export {
  TableCatchUp,
  STREAM_RETENTION_MS,
  type CatchUpResult,
  type TableCatchUpOptions,
} from './table-catch-up.js';
export { changedKeysSince, streamBacklog, type StreamBacklog } from './backlog.js';
export { streamPositionsStore, streamPositionsParameter } from './positions-store.js';
export { catchUpOptions, resumeSavedCatchUp, type CatchUpContext } from './saved.js';
