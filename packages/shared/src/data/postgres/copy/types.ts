import type { KeyRange } from '../ranges.js';
import type { SequenceInfo, TableInfo } from '../catalog.js';
import type { SnapshotSource } from './snapshot.js';

/**
 * `copy`: v1's schema is copied to v2 first (pg_dump's pre-data, then post-data after the rows).
 * `existing`: v2's schema was made by the application's own migrations; it is checked against v1's instead,
 * and no pg_dump is needed.
 */
export type SchemaMode = 'copy' | 'existing';

export interface PostgresCopyOptions {
  schema: SchemaMode;
  /** Parallel workers for the data and for index builds. Default 4 (the guide's `pg_restore -j 4`). */
  jobs?: number;
  /** Key ranges per table with a single-column primary key; default from each table's size. */
  ranges?: number;
  /** Go on when v2 already holds tables (schema copy) or rows (schema existing): a re-run. */
  allowNonEmptyTarget?: boolean;
  /** Print the plan and stop (copyPostgres). */
  dryRun?: boolean;
  /** pg_dump to use; default the first `pg_dump` on PATH. Only `schema: copy` uses it. */
  pgDump?: string;
  /** Lines for the operator: the plan, progress per table, each step's outcome. */
  log?: (line: string) => void;
  /** Seconds between progress lines of a table being loaded. Default 5. */
  progressIntervalSeconds?: number;
  /** Where the consistent view of v1 comes from. Default: a coordinator session's pg_export_snapshot(). */
  snapshot?: SnapshotSource;
  /**
   * CA bundle pg_dump trusts with ssl-mode verify-full (libpq's PGSSLROOTCERT). Default NODE_EXTRA_CA_CERTS,
   * where the actions already take the RDS CA bundle from.
   */
  sslRootCert?: string;
  /**
   * Moves the rows instead of the toolkit's own parallel COPY (`replication: dms`): called once v2 has
   * v1's tables without their indexes, and, once the indexes, constraints and sequences are on v2,
   * `afterPostData`.
   */
  loader?: DataLoader;
}

export interface DataLoader {
  /** For the plan, e.g. "DMS task dbmig-dev (full-load-and-cdc)". */
  readonly description: string;
  load(tables: readonly PlannedTable[], log: (line: string) => void): Promise<TableCopyResult[]>;
  afterPostData?(log: (line: string) => void): Promise<void>;
}

/** How a table's rows travel: binary is faster; text where binary would carry type OIDs that differ per server. */
export type CopyFormat = 'binary' | 'text';

export interface PlannedTable {
  table: TableInfo;
  /** Qualified, quoted name: `"billing"."payments"`. */
  qualified: string;
  ranges: KeyRange[];
  /** Foreign-key level on v2 while loading: a table is loaded after every table it references. */
  level: number;
  format: CopyFormat;
  /**
   * `in-load`: TRUNCATE in the same transaction as its one COPY (then COPY FREEZE). `before-load`: the
   * table has several ranges or takes part in a foreign key on v2, so it is truncated with the others of
   * its kind in one statement before any row is loaded.
   */
  truncate: 'in-load' | 'before-load';
}

/** pg_dump as found and checked against v1's server. */
export interface PgDumpBinary {
  path: string;
  /** `15.18`, from `pg_dump --version`. */
  version: string;
  major: number;
}

export type CopyStep = 'snapshot' | 'pre-data' | 'data' | 'post-data' | 'sequences' | 'analyze';

export interface TableCopyResult {
  /** `schema.name`, unquoted, as reports show it. */
  table: string;
  rows: number;
  bytes: number;
  seconds: number;
}

export interface StatementsOutcome {
  applied: number;
  /** Objects that already existed on v2 (a re-run), skipped. */
  skipped: number;
}

export interface PostgresCopyResult {
  tables: TableCopyResult[];
  preData: StatementsOutcome;
  postData: StatementsOutcome;
  sequences: SequenceInfo[];
  seconds: number;
}
