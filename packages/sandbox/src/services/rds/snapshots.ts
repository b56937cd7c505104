import { AwsError } from '../../errors.js';
import type { QueryHandler, QueryParams, RequestContext } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { ClusterSnapshot, DbCluster, ResourceTag } from '../../world/types.js';
import { resourceId } from './derived.js';
import {
  dbClusterNotFound,
  dbClusterSnapshotAlreadyExists,
  dbClusterSnapshotNotFound,
  invalidDBClusterState,
  invalidParameterCombination,
  invalidParameterValue,
} from './errors.js';
import { applyFilters, namesResource, paginate, type FilterMatchers } from './params.js';
import { dbClusterSnapshotXml } from './snapshot-xml.js';

/*
 * Manual cluster snapshots (CreateDBClusterSnapshot, DescribeDBClusterSnapshots). A snapshot's status
 * is read off the sandbox's clock (snapshot-xml.ts), so `waitUntilDBClusterSnapshotAvailable` sees it
 * `creating`, then `available` — or `failed`, for a cluster the world marks as failing its snapshots.
 */

/** RDS identifier rules (the model's constraints for DBClusterSnapshotIdentifier). */
const IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/;

/** The world only has snapshots taken through the API, which are `manual`. */
const SNAPSHOT_TYPES = new Set(['automated', 'manual', 'shared', 'public', 'awsbackup']);

export const createDBClusterSnapshot: QueryHandler = (ctx, params) => {
  const snapshotId = required(params, 'DBClusterSnapshotIdentifier');
  const clusterId = required(params, 'DBClusterIdentifier');
  if (!IDENTIFIER.test(snapshotId) || snapshotId.endsWith('-')) {
    throw invalidParameterValue(
      `The parameter DBClusterSnapshotIdentifier is not a valid identifier. Identifiers must begin with a ` +
        `letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or ` +
        `contain two consecutive hyphens.`,
    );
  }
  const state = ctx.world.region(ctx.region);
  const cluster = [...state.clusters.values()].find((c) => namesResource(clusterId, c));
  if (!cluster) throw dbClusterNotFound(clusterId);
  // AWS stores the identifier in lower case, so two spellings name one snapshot.
  const identifier = snapshotId.toLowerCase();
  if (state.clusterSnapshots.has(identifier)) throw dbClusterSnapshotAlreadyExists(identifier);
  if (cluster.status !== 'available') {
    throw invalidDBClusterState(
      `Cannot create a snapshot of DBCluster ${cluster.identifier} because it is in state ${cluster.status}, not available.`,
    );
  }
  const snapshot = takeSnapshot(ctx, cluster, identifier, readTags(params));
  state.clusterSnapshots.set(identifier, snapshot);
  return { DBClusterSnapshot: dbClusterSnapshotXml(snapshot, ctx.now()) };
};

/** The filters DescribeDBClusterSnapshots documents. */
const filters: FilterMatchers<ClusterSnapshot> = {
  'db-cluster-id': (snapshot, value) =>
    value.toLowerCase() === snapshot.clusterIdentifier.toLowerCase() ||
    value.toLowerCase() === snapshot.cluster.arn.toLowerCase(),
  'db-cluster-snapshot-id': (snapshot, value) => namesResource(value, snapshot),
  'snapshot-type': (_snapshot, value) => value === 'manual',
  engine: (snapshot, value) => snapshot.cluster.engine === value,
};

export const describeDBClusterSnapshots: QueryHandler = (ctx, params) => {
  const state = ctx.world.region(ctx.region);
  let snapshots = [...state.clusterSnapshots.values()];
  const snapshotId = params.get('DBClusterSnapshotIdentifier');
  const clusterId = params.get('DBClusterIdentifier');
  if (snapshotId !== null && clusterId !== null) {
    throw invalidParameterCombination(
      'DBClusterIdentifier and DBClusterSnapshotIdentifier cannot be used together.',
    );
  }
  if (snapshotId !== null) {
    snapshots = snapshots.filter((snapshot) => namesResource(snapshotId, snapshot));
    if (snapshots.length === 0) throw dbClusterSnapshotNotFound(snapshotId);
  }
  // A cluster without snapshots (or that does not exist) has an empty list: AWS models no fault here.
  if (clusterId !== null) snapshots = snapshots.filter((s) => filters['db-cluster-id']!(s, clusterId));
  const resource = params.get('DbClusterResourceId');
  if (resource !== null)
    snapshots = snapshots.filter((s) => resourceId('cluster', s.cluster.arn) === resource);
  snapshots = snapshots.filter((snapshot) => ofType(snapshot, params));
  snapshots = applyFilters(snapshots, params, filters);
  const page = paginate(snapshots, params, (snapshot) => snapshot.identifier);
  const now = ctx.now();
  return {
    Marker: page.marker,
    DBClusterSnapshots: xmlList(
      'DBClusterSnapshot',
      page.items.map((snapshot) => dbClusterSnapshotXml(snapshot, now)),
    ),
  };
};

function takeSnapshot(
  ctx: RequestContext,
  cluster: DbCluster,
  identifier: string,
  tags: ResourceTag[],
): ClusterSnapshot {
  const { world } = ctx;
  return {
    identifier,
    region: ctx.region,
    arn: world.arn('rds', ctx.region, `cluster-snapshot:${identifier}`),
    clusterIdentifier: cluster.identifier,
    cluster: {
      arn: cluster.arn,
      engine: cluster.engine,
      engineVersion: cluster.engineVersion,
      port: cluster.port,
      masterUsername: cluster.masterUsername,
      storageEncrypted: cluster.storageEncrypted,
      createdAt: cluster.createdAt,
    },
    createdAt: ctx.now(),
    durationMs: world.backupTimings.clusterSnapshotMs,
    fails: world.region(ctx.region).failingSnapshotClusters.has(cluster.identifier.toLowerCase()),
    tags,
  };
}

/**
 * `SnapshotType`: absent means automated and manual (shared and public only when asked for with
 * IncludeShared / IncludePublic, which the world never has); every snapshot here is manual.
 */
function ofType(_snapshot: ClusterSnapshot, params: QueryParams): boolean {
  const type = params.get('SnapshotType');
  if (type === null) return true;
  if (!SNAPSHOT_TYPES.has(type)) {
    throw invalidParameterValue(
      `Invalid value ${type} for SnapshotType. Valid values: ${[...SNAPSHOT_TYPES].join(', ')}.`,
    );
  }
  return type === 'manual';
}

/** `Tags.Tag.N.Key` / `Tags.Tag.N.Value`, as the SDK sends a tag list over AWS Query. */
function readTags(params: QueryParams): ResourceTag[] {
  const tags: ResourceTag[] = [];
  for (let i = 1; params.has(`Tags.Tag.${i}.Key`); i++) {
    tags.push({ key: params.get(`Tags.Tag.${i}.Key`)!, value: params.get(`Tags.Tag.${i}.Value`) ?? '' });
  }
  return tags;
}

/** The SDK sends what it is given; AWS itself refuses a request without a required parameter. */
function required(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') {
    throw new AwsError('MissingParameter', `The request must contain the parameter ${name}.`, 400);
  }
  return value;
}
