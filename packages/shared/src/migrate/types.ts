import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import type { SslMode } from '../data/ssl-mode.js';
import type { LedgerEventDraft } from '../ledger/event.js';
import type { DmsSettings } from './dms-replication.js';

/** The guide's steps 2.1, 2.2 and 2.3, in the order they run. */
export const MIGRATE_STEPS = ['backup', 'postgres', 'dynamodb'] as const;
export type MigrateStep = (typeof MIGRATE_STEPS)[number];

export interface MigrateOptions {
  steps: MigrateStep[];
  jobs: number;
  allowNonEmptyTarget: boolean;
  schema: 'copy' | 'existing';
  pgDump?: string;
  /** Items per second written to the v2 table; undefined: unlimited. */
  dynamodbRateLimit?: number;
  dryRun: boolean;
  sslMode: SslMode;
  /**
   * `logical`: v2 keeps receiving v1's writes after the copy, through a slot and a subscription.
   * `dms`: a DMS full-load-and-cdc task moves the rows and then carries the writes (PostgreSQL only).
   */
  replication: 'none' | 'logical' | 'dms';
  /** With `dms`: the replication instance, the role DMS reads the secrets with, and the secrets. */
  dms?: DmsSettings;
  /** Tables without a key may be replicated with REPLICA IDENTITY FULL (otherwise they refuse). */
  replicaIdentityFull: boolean;
}

/** What every step is given. `mask` registers a secret value before it can reach any output. */
export interface MigrateContext {
  config: MigrationConfig;
  clients: AwsClients;
  options: MigrateOptions;
  mask(secret: string): void;
  log(line: string): void;
  /** Appends one event to the ledger at once (what a crash must not leave unrecorded, e.g. a slot). */
  record?(event: LedgerEventDraft): Promise<void>;
}

/** What `replication: logical` set up: the ledger keeps it until the cutover stops it. */
export interface ReplicationRecord {
  slot: string;
  publication: string;
  subscription: string;
  /** The LSN the slot streams from: the copy's snapshot. */
  consistentPoint: string;
  /** Tables given REPLICA IDENTITY FULL. */
  identityFull: string[];
}

/** What `replication: dms` set up: the ledger keeps it; the task carries v1's writes until stopped. */
export interface DmsReplicationRecord {
  mode: 'dms';
  task: string;
  taskArn: string;
  endpointArns: string[];
  instanceArn: string;
  /** The logical slot the task reads on v1 (DMS names it): the cutover's drain watches it. */
  slot?: string;
}

/** What `replication: logical` did for the table: its stream applied to v2 up to the tip. */
export interface TableReplicationRecord {
  streamArn: string;
  /** The SSM parameter that holds the positions reached. */
  positions: string;
  /** When the stream's reading began (AWS's clock). */
  since: string;
  records: number;
  keysApplied: number;
}

/** A backup made (or adopted on a re-run) before the data moved. */
export interface BackupRecord {
  kind: 'cluster-snapshot' | 'table-backup';
  region: string;
  /** What was backed up: the v1 cluster or table. */
  resource: string;
  identifier: string;
  arn: string;
  status: string;
}

export interface TableCopyRecord {
  rows: number;
  bytes: number;
  seconds: number;
}

export interface MigrateResult {
  dryRun: boolean;
  /** The plan each step printed before acting, by step. */
  plan: { step: MigrateStep; lines: string[] }[];
  backups: BackupRecord[];
  /** By qualified table name; undefined when the postgres step did not run. */
  tables?: Record<string, TableCopyRecord>;
  /** Items copied; undefined when the dynamodb step did not run. */
  items?: number;
  /** Set when the postgres step started logical replication, or a DMS task. */
  replication?: ReplicationRecord | DmsReplicationRecord;
  /** Set when the dynamodb step carried v1's stream to v2. */
  tableReplication?: TableReplicationRecord;
}

/**
 * One step of Phase 2. `plan` reads only, checks the step's preconditions (throwing a refusal before
 * anything changes) and says what `run` will do; `run` does it. Every step's plan is made before any
 * step runs, so that a refusal of the last step stops the first one too.
 */
export interface PlannedStep {
  step: MigrateStep;
  lines: string[];
  run(): Promise<
    Partial<Pick<MigrateResult, 'backups' | 'tables' | 'items' | 'replication' | 'tableReplication'>>
  >;
}
