export { SSL_MODES, tlsOptions, type SslMode } from './ssl-mode.js';
export {
  probeDatabase,
  DatabaseProbeError,
  type DatabaseTarget,
  type ProbeResult,
} from './postgres-probe.js';
export * from './postgres/index.js';
export {
  copyTable,
  compareTables,
  ssmCheckpointStore,
  describeKey,
  type CopyTableOptions,
  type CopyResult as DynamoDbCopyResult,
  type CompareTablesOptions,
  type ParityResult as DynamoDbParityResult,
  type TableDifference as DynamoDbDifference,
  type CheckpointStore,
  type Checkpoint,
} from './dynamodb/index.js';
