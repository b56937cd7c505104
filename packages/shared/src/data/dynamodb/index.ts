// DynamoDB data of Phase 2: the copy v1 → v2 (step 2.3) and the parity check (step 2.4).
export { copyTable, type CopyTableOptions, type CopyResult, type TableRef } from './copy-table.js';
export {
  compareTables,
  type CompareTablesOptions,
  type ParityResult,
  type TableDifference,
  type DifferenceKind,
} from './compare-tables.js';
export {
  CheckpointMismatchError,
  parseCheckpoint,
  type Checkpoint,
  type CheckpointStore,
  type SegmentPosition,
} from './checkpoint.js';
export { ssmCheckpointStore, ssmJsonStore, type JsonStore } from './ssm-checkpoint-store.js';
export { DynamoDbCopyError, CopyAbortedError } from './copy-errors.js';
export {
  describeKey,
  toJsonMap,
  fromJsonMap,
  type AttributeMap,
  type JsonAttributeMap,
  type JsonAttributeValue,
} from './attribute-json.js';
export { canonicalItem, canonicalNumber } from './canonical.js';
export type { BackoffPolicy } from './backoff.js';
