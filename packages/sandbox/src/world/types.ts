/**
 * The sandbox's picture of an AWS account: what the scenarios build and the service modules read
 * and change. Field names follow the AWS API shapes so that a service module maps them one to one.
 */

export const ACCOUNT_ID = '123456789012';

export interface DbCluster {
  identifier: string;
  region: string;
  arn: string;
  /** AWS's free-string cluster status: available, creating, modifying, deleting, promoting, ... */
  status: string;
  engine: string;
  engineVersion: string;
  /** Host of the writer endpoint; in the sandbox, a real local PostgreSQL server. */
  endpoint: string;
  readerEndpoint: string;
  port: number;
  databaseName?: string;
  masterUsername: string;
  deletionProtection: boolean;
  storageEncrypted: boolean;
  /** Identifier of the global cluster this cluster is a member of, if any. */
  globalClusterIdentifier?: string;
  createdAt: Date;
  /** Set by DeleteDBCluster: `deleting` until it has run, then gone (../services/rds/lifecycle.ts). */
  deletion?: TimedTransition;
  /** Set by RemoveFromGlobalCluster: `promoting` until it has run, then `available`. */
  promotion?: TimedTransition;
  /**
   * The cluster's VPC security groups (DescribeDBClusters' VpcSecurityGroups), kept in the region's
   * `securityGroups`; when absent, one id derived from the ARN that no group of the world has.
   */
  vpcSecurityGroupIds?: string[];
  /** The DB cluster parameter group; absent: the engine's default group (default.aurora-postgresql15). */
  parameterGroup?: string;
  /** `pending-reboot` while a changed static parameter waits for the writer's reboot; absent: in-sync. */
  parameterGroupStatus?: 'in-sync' | 'pending-reboot';
}

export interface DbInstance {
  identifier: string;
  region: string;
  arn: string;
  clusterIdentifier: string;
  /** AWS's DBInstanceStatus: available, creating, modifying, rebooting, deleting, ... */
  status: string;
  instanceClass: string;
  engine: string;
  isClusterWriter: boolean;
  createdAt: Date;
  /** Set by DeleteDBInstance: `deleting` until it has run, then gone. */
  deletion?: TimedTransition;
}

export interface GlobalClusterMember {
  clusterArn: string;
  isWriter: boolean;
}

export interface GlobalCluster {
  identifier: string;
  arn: string;
  status: string;
  engine: string;
  engineVersion: string;
  storageEncrypted: boolean;
  deletionProtection: boolean;
  members: GlobalClusterMember[];
  /** Set by DeleteGlobalCluster: `deleting` until it has run, then gone. */
  deletion?: TimedTransition;
}

/**
 * A change of state that ends on the sandbox's clock, not by a timer: it has run once `durationMs`
 * has passed since `startedAt` (./progress.ts). The duration is fixed when the change starts, from the
 * world's `deletionTimings`, so that a test changing the timings later does not move it.
 */
export interface TimedTransition {
  startedAt: Date;
  durationMs: number;
}

/** How long deletions and promotions take in this world, in milliseconds of the sandbox's clock. */
export interface DeletionTimings {
  /** DeleteDBInstance: `deleting`, then gone. */
  instanceMs: number;
  /** DeleteDBCluster: `deleting`, then gone. */
  clusterMs: number;
  /** RemoveFromGlobalCluster: the removed cluster is `promoting`, then `available`. */
  promoteMs: number;
  /** DeleteGlobalCluster: `deleting`, then gone. */
  globalClusterMs: number;
}

export interface TableReplica {
  regionName: string;
  /** CREATING, CREATION_FAILED, UPDATING, DELETING, ACTIVE, REGION_DISABLED, INACCESSIBLE_ENCRYPTION_CREDENTIALS */
  replicaStatus: string;
  /** Set by UpdateTable's ReplicaUpdates Delete: DELETING until it has run, then gone. */
  deletion?: TimedTransition;
}

/**
 * An export of a table to S3 (ExportTableToPointInTime). Its status follows from the clock:
 * IN_PROGRESS until `startedAt + durationMs`, then COMPLETED, or FAILED with `failure`.
 */
export interface TableExport {
  arn: string;
  region: string;
  tableArn: string;
  tableId: string;
  bucket: string;
  prefix: string;
  format: string;
  clientToken: string;
  startedAt: Date;
  exportTime: Date;
  durationMs: number;
  itemCount: number;
  billedSizeBytes: number;
  /** Fixed when the export starts: why it will end FAILED (no such bucket, a scenario's broken export). */
  failure?: { code: string; message: string };
  /** Whether its files were put in the bucket (once, when it is first seen COMPLETED). */
  written: boolean;
}

/** An S3 bucket: its Region and objects. */
export interface Bucket {
  name: string;
  region: string;
  /** A bucket this account may not use: HeadBucket answers 403. */
  forbidden: boolean;
  objects: Map<string, { body: string; lastModified: Date }>;
}

/** How long DynamoDB's table changes take in this world, in milliseconds of the sandbox's clock. */
export interface TableTimings {
  /** UpdateTable's ReplicaUpdates Delete: the replica is DELETING, then gone. */
  replicaDeleteMs: number;
  /** ExportTableToPointInTime: IN_PROGRESS, then COMPLETED. */
  exportMs: number;
  /** A DynamoDB stream's shard closes and opens a child after this long (about 4 h in AWS). */
  streamShardLifetimeMs: number;
}

/**
 * What the sandbox adds to a DynamoDB table kept by dynalite: the global-table view (replicas) and
 * a status override, so that a scenario can show a table or replica that is not ACTIVE.
 */
export interface TableOverlay {
  tableName: string;
  region: string;
  /** When set, DescribeTable reports this TableStatus instead of dynalite's. */
  tableStatus?: string;
  /** Replicas in other regions (a 2019.11.21 global table lists the regions other than the caller's). */
  replicas: TableReplica[];
  /**
   * The ARN of the table's latest stream, in `RegionState.tableStreams` (dynalite has no Streams:
   * ../services/dynamodb-streams/). It stays set once the stream is disabled, as LatestStreamArn does.
   */
  latestStreamArn?: string;
}

/** What a stream's view type puts in each record beside the keys. */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** An item or key in DynamoDB's wire form (`{"pk": {"S": "a"}}`). */
export type WireItem = Record<string, unknown>;

/** One change of an item, as a DynamoDB stream carries it. */
export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** An increasing decimal string, unique within the Region. */
  sequenceNumber: string;
  createdAt: Date;
  keys: WireItem;
  newImage?: WireItem;
  oldImage?: WireItem;
  sizeBytes: number;
}

export interface StreamShard {
  shardId: string;
  parentShardId?: string;
  openedAt: Date;
  /** Set when the shard closed (rollover or the stream disabled): it takes no more records. */
  closedAt?: Date;
  startingSequenceNumber: string;
  endingSequenceNumber?: string;
  /** Records still within the retention window, oldest first. */
  records: StreamRecord[];
  /** The sequence number of the newest record trimmed from this shard, when any was. */
  trimmedThrough?: string;
}

/** A table's stream: kept after the table's stream is disabled or replaced, until its records expire. */
export interface TableStream {
  arn: string;
  label: string;
  tableName: string;
  region: string;
  viewType: StreamViewType;
  status: 'ENABLED' | 'DISABLED';
  createdAt: Date;
  keySchema: { AttributeName: string; KeyType: string }[];
  /** Oldest first; the last is open while the stream is enabled. */
  shards: StreamShard[];
}

export interface Secret {
  name: string;
  region: string;
  arn: string;
  secretString: string;
  versionId: string;
  createdAt: Date;
  /** Set when the secret is scheduled for deletion: reads then fail with InvalidRequestException. */
  deletedAt?: Date;
}

export interface Parameter {
  name: string;
  region: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  lastModifiedDate: Date;
  tier: 'Standard' | 'Advanced';
}

export interface MetricPoint {
  timestamp: Date;
  value: number;
}

/** A scripted CloudWatch series: the points a scenario says the metric has. */
export interface MetricSeries {
  region: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Called on every read, so a series can move with time; `now` is the sandbox's clock. */
  points: (now: Date) => MetricPoint[];
}

export interface ResourceTag {
  key: string;
  value: string;
}

/**
 * A manual snapshot of an Aurora cluster. Its status is not stored: it follows from the sandbox's clock
 * (`creating` until `createdAt + durationMs`, then `available`, or `failed` when `fails`), so that a
 * waiter polling it sees it move as it would in AWS (../services/rds/snapshot-state.ts).
 */
export interface ClusterSnapshot {
  /** Stored lower-case, as AWS stores it. */
  identifier: string;
  region: string;
  arn: string;
  clusterIdentifier: string;
  /** What the snapshot copies from its cluster when it is taken. */
  cluster: Pick<
    DbCluster,
    'arn' | 'engine' | 'engineVersion' | 'port' | 'masterUsername' | 'storageEncrypted' | 'createdAt'
  >;
  createdAt: Date;
  /** How long it stays `creating`; fixed when it is taken, from the world's `backupTimings`. */
  durationMs: number;
  /** Whether it ends `failed` instead of `available`; fixed when it is taken. */
  fails: boolean;
  tags: ResourceTag[];
}

/**
 * An on-demand backup of a DynamoDB table. Like a cluster snapshot, its status follows from the clock:
 * CREATING, then AVAILABLE, or DELETED when `fails` (DynamoDB has no FAILED status: a backup that
 * cannot be completed is removed, and DescribeBackup reports it DELETED).
 */
export interface TableBackup {
  arn: string;
  name: string;
  region: string;
  tableName: string;
  tableArn: string;
  tableId: string;
  /** The table's size and item count when the backup was requested. */
  sizeBytes: number;
  itemCount: number;
  /** The source table's description from DescribeTable, as DescribeBackup returns it. */
  keySchema: { AttributeName: string; KeyType: string }[];
  tableCreatedAt: Date;
  billingMode: string;
  createdAt: Date;
  durationMs: number;
  fails: boolean;
}

/** How long snapshots and backups take in this world, in milliseconds of the sandbox's clock. */
export interface BackupTimings {
  clusterSnapshotMs: number;
  tableBackupMs: number;
}

/**
 * Preferences of an instance refresh, as StartInstanceRefresh was given them (defaults filled in as
 * AWS does: MinHealthyPercentage 90).
 */
export interface RefreshPreferences {
  minHealthyPercentage: number;
  instanceWarmup?: number;
  skipMatching: boolean;
}

/**
 * One instance refresh of a group. AWS's statuses: Pending, InProgress, Successful, Failed, Cancelling,
 * Cancelled (and the rollback ones, which the sandbox never enters). Advanced by the fleet
 * (../fleet/), which replaces the group's instances as the refresh goes.
 */
export interface InstanceRefresh {
  id: string;
  groupName: string;
  status: string;
  statusReason?: string;
  startTime: Date;
  endTime?: Date;
  percentageComplete: number;
  instancesToUpdate: number;
  preferences: RefreshPreferences;
}

/** An application instance of a group, as DescribeAutoScalingGroups lists it. */
export interface GroupInstance {
  instanceId: string;
  /** Pending, InService, Terminating, ... */
  lifecycleState: string;
  healthStatus: 'Healthy' | 'Unhealthy';
  availabilityZone: string;
  launchedAt: Date;
}

/**
 * An Auto Scaling group running the application. Its instances read the SSM parameters when they
 * start (../fleet/) and then hold connections to the database the endpoint parameter names.
 */
export interface AutoScalingGroup {
  name: string;
  region: string;
  arn: string;
  desiredCapacity: number;
  minSize: number;
  maxSize: number;
  instances: GroupInstance[];
  /** Newest first, as DescribeInstanceRefreshes returns them. */
  refreshes: InstanceRefresh[];
  /**
   * Where the application finds its parameters, in order: the first Region that holds a parameter is
   * the one read (the guide keeps them in the primary Region only, which the DR fleet then reads).
   */
  parameterRegions: string[];
  /** The CloudWatch Logs group the application writes to (`/aws/application/{env}`). */
  logGroup: string;
  /** A scenario's broken refresh: every refresh of this group fails about halfway. */
  failsRefresh: boolean;
  /** DescribeAutoScalingGroups' CreatedTime; when absent, the time of the call. */
  createdAt?: Date;
  /**
   * The names of the parameters the application reads (config `parameters`); when absent, the guide's
   * `/app/{env}/...` names, `{env}` being the last segment of `logGroup`.
   */
  parameterNames?: { endpoint: string; passwordSecret: string; dynamodbTable: string };
}

/** One event of a CloudWatch Logs group. */
export interface LogEvent {
  logStreamName: string;
  /** Milliseconds since the epoch, as Logs keeps them. */
  timestamp: number;
  ingestionTime: number;
  message: string;
  eventId: string;
}

/** How fast instance refreshes go in this world, in milliseconds of real time. */
export interface RefreshTimings {
  /** Time to replace one batch of instances. */
  batchMs: number;
}

/** An IPv4 or IPv6 range an ingress rule admits (`CidrIp` or `CidrIpv6`). */
export interface IpRangeRule {
  cidr: string;
  description?: string;
}

/** Another security group an ingress rule admits: instances in it may connect. */
export interface GroupPairRule {
  groupId: string;
  userId: string;
  description?: string;
}

/**
 * One ingress rule as EC2 describes it (IpPermission): `ipProtocol` is `tcp`, `udp`, `icmp`, or `-1`
 * for every protocol (then without ports).
 */
export interface IpPermissionRule {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  ipRanges: IpRangeRule[];
  ipv6Ranges: IpRangeRule[];
  groups: GroupPairRule[];
  prefixListIds: string[];
}

/** A VPC security group: what DescribeSecurityGroups returns (../services/ec2/). */
export interface SecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  region: string;
  ownerId: string;
  ingress: IpPermissionRule[];
  egress: IpPermissionRule[];
  tags: ResourceTag[];
}

/** State kept per region, keyed by the region of each request's credential scope. */
export interface RegionState {
  clusters: Map<string, DbCluster>;
  instances: Map<string, DbInstance>;
  tables: Map<string, TableOverlay>;
  secrets: Map<string, Secret>;
  parameters: Map<string, Parameter>;
  metrics: MetricSeries[];
  /** Manual cluster snapshots, by (lower-case) identifier. */
  clusterSnapshots: Map<string, ClusterSnapshot>;
  /** Clusters (lower-case identifiers) whose snapshots end `failed`: a scenario's broken backup. */
  failingSnapshotClusters: Set<string>;
  /** On-demand DynamoDB backups, by ARN. */
  tableBackups: Map<string, TableBackup>;
  /** Tables whose backups never become AVAILABLE (they end DELETED). */
  failingBackupTables: Set<string>;
  /** Tables with point-in-time recovery enabled (DescribeContinuousBackups); off by default, as in AWS. */
  pointInTimeRecoveryTables: Set<string>;
  /** Exports to S3, by ARN. */
  tableExports: Map<string, TableExport>;
  /** Tables whose exports end FAILED: a scenario's broken archive. */
  failingExportTables: Set<string>;
  /** Auto Scaling groups, by name. */
  autoScalingGroups: Map<string, AutoScalingGroup>;
  /** CloudWatch Logs groups, by name: their events in the order written. */
  logGroups: Map<string, LogEvent[]>;
  /**
   * Custom DB cluster parameter groups, by name: the values set in each (the rest are the engine's
   * defaults, ../services/rds/cluster-parameters.ts).
   */
  clusterParameterGroups: Map<string, Map<string, string>>;
  /** VPC security groups, by group id. */
  securityGroups: Map<string, SecurityGroup>;
  /** A role without `ec2:DescribeSecurityGroups` here: the call answers UnauthorizedOperation. */
  securityGroupsDenied?: boolean;
  /** DynamoDB streams, by stream ARN, including those of deleted tables until they expire. */
  tableStreams: Map<string, TableStream>;
  /** The last stream sequence number handed out in this Region (they increase across its streams). */
  streamSequence: bigint;
  /** AWS DMS: replication instances, endpoints, connection tests and tasks (../services/dms/). */
  dms: DmsState;
}

/** What AWS DMS holds in one Region; every map is keyed by the resource's ARN. */
export interface DmsState {
  replicationInstances: Map<string, DmsReplicationInstance>;
  endpoints: Map<string, DmsEndpoint>;
  /** Connection tests, by `<ReplicationInstanceArn> <EndpointArn>` (one per pair, as DMS keeps them). */
  connections: Map<string, DmsConnection>;
  tasks: Map<string, DmsReplicationTask>;
  /**
   * IAM roles DMS can assume here to read an endpoint's secret (trusted by dms.<region>.amazonaws.com, with
   * secretsmanager:GetSecretValue): any other `SecretsManagerAccessRoleArn` is refused with AccessDeniedFault.
   */
  secretsAccessRoles: Set<string>;
  /**
   * Tables (`schema.name`) whose validation finds mismatched records whatever the rows: a scenario's
   * broken migration, e.g. a target whose collation sorts differently.
   */
  mismatchedTables: Set<string>;
}

/** Created by the user's infrastructure code (a scenario), never by the toolkit. */
export interface DmsReplicationInstance {
  identifier: string;
  arn: string;
  region: string;
  instanceClass: string;
  status: string;
  engineVersion: string;
  createdAt: Date;
}

export interface DmsEndpoint {
  identifier: string;
  arn: string;
  region: string;
  /** `source` or `target`, as given (DescribeEndpoints answers it upper-case, as DMS does). */
  endpointType: 'source' | 'target';
  engineName: 'aurora-postgresql' | 'postgres';
  databaseName: string;
  /** `active`, or `deleting` between DeleteEndpoint and its removal. */
  status: string;
  sslMode: string;
  /** Credentials given inline (no secret): ServerName, Port, Username, Password. */
  serverName?: string;
  port?: number;
  username?: string;
  password?: string;
  secretId?: string;
  secretsAccessRoleArn?: string;
  slotName?: string;
  pluginName?: string;
  createdAt: Date;
  /** Set by DeleteEndpoint: `deleting` until then on the sandbox's clock, then gone. */
  removeAt?: Date;
}

export interface DmsConnection {
  replicationInstanceArn: string;
  endpointArn: string;
  /** testing → successful | failed. */
  status: 'testing' | 'successful' | 'failed';
  lastFailureMessage?: string;
  /** The test's result once it has run; answered only after one DescribeConnections has seen `testing`. */
  outcome?: { status: 'successful' | 'failed'; message?: string };
  seenTesting: boolean;
}

export type DmsMigrationType = 'full-load' | 'cdc' | 'full-load-and-cdc';

export interface DmsReplicationTask {
  identifier: string;
  arn: string;
  region: string;
  sourceEndpointArn: string;
  targetEndpointArn: string;
  replicationInstanceArn: string;
  migrationType: DmsMigrationType;
  /** Both as given: JSON strings. */
  tableMappings: string;
  settings: string;
  /** creating, ready, starting, running, stopping, stopped, failed, deleting. */
  status: string;
  stopReason?: string;
  lastFailureMessage?: string;
  createdAt: Date;
  /** `creating` until then on the sandbox's clock, then `ready`. */
  readyAt?: Date;
  /** Set by the first start; a later `start-replication` is refused, as DMS allows it on the first run only. */
  startedAt?: Date;
  /** When the current run started (ElapsedTimeMillis counts from here). */
  runStartedAt?: Date;
  stoppedAt?: Date;
  fullLoadStartedAt?: Date;
  fullLoadFinishedAt?: Date;
  /** The tables the mappings selected, in load order, once a run has resolved them. */
  tables: DmsTableStatistics[];
  /** What the engine made for CDC, removed when the task is deleted. */
  replication?: DmsReplicationObjects;
}

/** The source's slot and publications and the target's subscription of a CDC task. */
export interface DmsReplicationObjects {
  slotName: string;
  publications: string[];
  subscriptionName?: string;
}

export interface DmsTableStatistics {
  schemaName: string;
  tableName: string;
  /** Before load, Full load, Table completed, Table error. */
  state: string;
  fullLoadRows: number;
  fullLoadErrorRows: number;
  fullLoadStartTime?: Date;
  fullLoadEndTime?: Date;
  lastUpdateTime?: Date;
  inserts: number;
  updates: number;
  deletes: number;
  ddls: number;
  /** Not enabled, Pending records, Validated, Mismatched records, No primary key. */
  validationState: string;
  validationPendingRecords: number;
  validationFailedRecords: number;
  /**
   * The target's pg_stat_user_tables counters (n_tup_ins, n_tup_upd, n_tup_del) when CDC began, with the
   * full-load rows counted in: CDC's Inserts/Updates/Deletes are the growth since.
   */
  cdcBaseline?: { inserts: number; updates: number; deletes: number };
}
