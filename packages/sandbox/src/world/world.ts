import type {
  BackupTimings,
  Bucket,
  DeletionTimings,
  GlobalCluster,
  RefreshTimings,
  RegionState,
  TableTimings,
} from './types.js';
import { ACCOUNT_ID } from './types.js';

/**
 * A snapshot or backup of the guide's small databases takes about this long here: long enough that a
 * waiter sees it `creating` at least once, short enough for a test or the rehearsal.
 */
export const DEFAULT_BACKUP_TIMINGS: BackupTimings = { clusterSnapshotMs: 1500, tableBackupMs: 1500 };

/**
 * Deleting or promoting the guide's small clusters takes a second or so here: long enough that a waiter
 * polling every 0.2 to 1 s sees `deleting` or `promoting` at least once, short enough for a test.
 */
export const DEFAULT_DELETION_TIMINGS: DeletionTimings = {
  instanceMs: 1200,
  clusterMs: 1200,
  promoteMs: 800,
  globalClusterMs: 500,
};

/** Removing a replica or exporting the guide's small table takes a second or so here. */
export const DEFAULT_TABLE_TIMINGS: TableTimings = {
  replicaDeleteMs: 1200,
  exportMs: 1500,
  // DynamoDB closes a stream's shards after about 4 h even without a split (replication.md §4).
  streamShardLifetimeMs: 4 * 60 * 60 * 1000,
};

/** A refresh of the guide's small groups takes a second or two here: long enough to be watched. */
export const DEFAULT_REFRESH_TIMINGS: RefreshTimings = { batchMs: 400 };

/** The whole emulated account: per-region state, plus global clusters, which span regions. */
export class World {
  readonly accountId = ACCOUNT_ID;
  private readonly regions = new Map<string, RegionState>();
  readonly globalClusters = new Map<string, GlobalCluster>();
  /** Tests shorten or lengthen these; `clear()` restores the defaults. */
  backupTimings: BackupTimings = { ...DEFAULT_BACKUP_TIMINGS };
  refreshTimings: RefreshTimings = { ...DEFAULT_REFRESH_TIMINGS };
  deletionTimings: DeletionTimings = { ...DEFAULT_DELETION_TIMINGS };
  tableTimings: TableTimings = { ...DEFAULT_TABLE_TIMINGS };
  /** S3 buckets, by name: one namespace across Regions, as in S3. */
  readonly buckets = new Map<string, Bucket>();
  /**
   * Clusters (by identifier) that a scenario made unhealthy: application instances connected to them
   * log database errors to their log group.
   */
  readonly unhealthyClusters = new Set<string>();

  region(name: string): RegionState {
    let state = this.regions.get(name);
    if (!state) {
      state = {
        clusters: new Map(),
        instances: new Map(),
        tables: new Map(),
        secrets: new Map(),
        parameters: new Map(),
        metrics: [],
        clusterSnapshots: new Map(),
        failingSnapshotClusters: new Set(),
        tableBackups: new Map(),
        failingBackupTables: new Set(),
        pointInTimeRecoveryTables: new Set(),
        tableExports: new Map(),
        failingExportTables: new Set(),
        autoScalingGroups: new Map(),
        logGroups: new Map(),
        clusterParameterGroups: new Map(),
        securityGroups: new Map(),
        tableStreams: new Map(),
        streamSequence: 0n,
        dms: {
          replicationInstances: new Map(),
          endpoints: new Map(),
          connections: new Map(),
          tasks: new Map(),
          secretsAccessRoles: new Set(),
          mismatchedTables: new Set(),
        },
      };
      this.regions.set(name, state);
    }
    return state;
  }

  regionNames(): string[] {
    return [...this.regions.keys()];
  }

  /** Forget everything (a scenario is loaded into an empty world). */
  clear(): void {
    this.regions.clear();
    this.globalClusters.clear();
    this.backupTimings = { ...DEFAULT_BACKUP_TIMINGS };
    this.refreshTimings = { ...DEFAULT_REFRESH_TIMINGS };
    this.deletionTimings = { ...DEFAULT_DELETION_TIMINGS };
    this.tableTimings = { ...DEFAULT_TABLE_TIMINGS };
    this.buckets.clear();
    this.unhealthyClusters.clear();
  }

  arn(service: string, region: string, resource: string): string {
    return `arn:aws:${service}:${region}:${this.accountId}:${resource}`;
  }
}

/** Puts an empty bucket into the world (as `aws s3 mb` would). */
export function addBucket(
  world: World,
  name: string,
  region: string,
  options: { forbidden?: boolean } = {},
): Bucket {
  const bucket: Bucket = { name, region, forbidden: options.forbidden ?? false, objects: new Map() };
  world.buckets.set(name, bucket);
  return bucket;
}
