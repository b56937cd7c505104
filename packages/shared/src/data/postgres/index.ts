export {
  connectPostgres,
  withPostgres,
  describeEndpoint,
  qualifiedName,
  quoteIdent,
  PostgresConnectError,
  PINNED_SESSION_SETTINGS,
  type PostgresEndpoint,
} from './connection.js';
export {
  listTables,
  listSequences,
  SYSTEM_SCHEMA_FILTER,
  type ColumnInfo,
  type TableInfo,
  type SequenceInfo,
} from './catalog.js';
export { planKeyRanges, rangePredicate, defaultRangeCount, describeRange, type KeyRange } from './ranges.js';
export * from './copy/index.js';
export * from './parity/index.js';
