// The PostgreSQL copy, v1 → v2 (the guide's step 2.2, option B): plan, then schema, rows, indexes and
// sequences from one consistent snapshot of v1.
export { planPostgresCopy, PostgresCopyPlan } from './plan.js';
export { runPostgresCopy, copyPostgres } from './run.js';
export { PostgresCopyRefusal, PostgresCopyError } from './refusal.js';
export { coordinatorSnapshot, joinSnapshot, type SnapshotSource, type HeldSnapshot } from './snapshot.js';
export { checkPgDump } from './pg-dump-binary.js';
export type {
  SchemaMode,
  PostgresCopyOptions,
  PostgresCopyResult,
  PlannedTable,
  PgDumpBinary,
  CopyFormat,
  CopyStep,
  TableCopyResult,
  StatementsOutcome,
  DataLoader,
} from './types.js';
