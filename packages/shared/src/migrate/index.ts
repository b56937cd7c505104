export { migrateData } from './migrate-data.js';
export { writeMigrateSummary, resultTables } from './summary.js';
export { checkpointParameter } from './dynamodb-step.js';
export { migrationEvents } from './ledger-events.js';
export {
  MIGRATE_STEPS,
  type MigrateStep,
  type MigrateOptions,
  type MigrateContext,
  type MigrateResult,
  type BackupRecord,
  type TableCopyRecord,
} from './types.js';
export { refuseCopyOntoLiveV2 } from './live-v2.js';
export { TABLE_REPLICATION_EVENTS } from './table-replication.js';
