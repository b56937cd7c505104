import type { DbCluster, DbInstance, GlobalCluster, GlobalClusterMember } from './types.js';
import type { World } from './world.js';

/** What `pulumi up` gives the guide's stack, unless a caller says otherwise. */
export const AURORA_DEFAULTS = {
  engine: 'aurora-postgresql',
  engineVersion: '15.4',
  instanceClass: 'db.r6g.large',
} as const;

/** Puts an available, encrypted, deletion-protected Aurora cluster into a region of the world. */
export function addCluster(
  world: World,
  region: string,
  identifier: string,
  overrides: Partial<DbCluster> = {},
): DbCluster {
  const cluster: DbCluster = {
    identifier,
    region,
    arn: world.arn('rds', region, `cluster:${identifier}`),
    status: 'available',
    engine: AURORA_DEFAULTS.engine,
    engineVersion: AURORA_DEFAULTS.engineVersion,
    endpoint: '127.0.0.1',
    readerEndpoint: '127.0.0.1',
    port: 5432,
    masterUsername: 'dbadmin',
    deletionProtection: true,
    storageEncrypted: true,
    createdAt: new Date(),
    ...overrides,
  };
  world.region(region).clusters.set(identifier, cluster);
  return cluster;
}

/** Puts an available instance into a cluster (a reader unless `isClusterWriter` is given). */
export function addInstance(
  world: World,
  cluster: DbCluster,
  identifier: string,
  overrides: Partial<DbInstance> = {},
): DbInstance {
  const instance: DbInstance = {
    identifier,
    region: cluster.region,
    arn: world.arn('rds', cluster.region, `db:${identifier}`),
    clusterIdentifier: cluster.identifier,
    status: 'available',
    instanceClass: AURORA_DEFAULTS.instanceClass,
    engine: cluster.engine,
    isClusterWriter: false,
    createdAt: cluster.createdAt,
    ...overrides,
  };
  world.region(cluster.region).instances.set(identifier, instance);
  return instance;
}

/** Puts an available global cluster with these members into the world (global clusters span regions). */
export function addGlobalCluster(
  world: World,
  identifier: string,
  members: GlobalClusterMember[],
  overrides: Partial<GlobalCluster> = {},
): GlobalCluster {
  const global: GlobalCluster = {
    identifier,
    arn: `arn:aws:rds::${world.accountId}:global-cluster:${identifier}`,
    status: 'available',
    engine: AURORA_DEFAULTS.engine,
    engineVersion: AURORA_DEFAULTS.engineVersion,
    storageEncrypted: true,
    deletionProtection: true,
    members,
    ...overrides,
  };
  world.globalClusters.set(identifier, global);
  return global;
}
