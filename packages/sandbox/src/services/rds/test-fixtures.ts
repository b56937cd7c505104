import { RDSClient } from '@aws-sdk/client-rds';
import type { Sandbox } from '../../server.js';
import { sandboxClient } from '../../test-support.js';
import type { DbCluster, DbInstance, GlobalCluster } from '../../world/types.js';
import type { World } from '../../world/world.js';

/*
 * Test helpers: a small Aurora world written straight into the sandbox's state, and RDS clients that
 * reach the sandbox in a given region (built by ../../test-support.ts, whose `failure` is re-exported
 * so that this directory's tests import from one place). Used by this directory's tests only.
 */

export const PRIMARY = 'us-east-1';
export const DR = 'us-east-2';
export const CREATED = new Date('2026-01-15T10:20:30.000Z');

export function rdsClient(sandbox: Sandbox, region: string, maxAttempts = 1): RDSClient {
  return sandboxClient(RDSClient, sandbox, region, { maxAttempts });
}

export { failure, type ServiceError } from '../../test-support.js';

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
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    endpoint: '127.0.0.1',
    readerEndpoint: '127.0.0.1',
    port: 54321,
    databaseName: 'paymentsdb',
    masterUsername: 'dbadmin',
    deletionProtection: true,
    storageEncrypted: true,
    createdAt: CREATED,
    ...overrides,
  };
  world.region(region).clusters.set(identifier, cluster);
  return cluster;
}

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
    instanceClass: 'db.r6g.large',
    engine: cluster.engine,
    isClusterWriter: false,
    createdAt: CREATED,
    ...overrides,
  };
  world.region(cluster.region).instances.set(identifier, instance);
  return instance;
}

/** The guide's v2 pair for `env`: a primary cluster, a DR cluster, two instances each, one global cluster. */
export function addGlobalDatabase(world: World, env = 'dev') {
  const primary = addCluster(world, PRIMARY, `primary-db-cluster-v2-${env}`, {
    globalClusterIdentifier: `global-db-v2-${env}`,
  });
  const dr = addCluster(world, DR, `dr-db-cluster-v2-${env}`, {
    globalClusterIdentifier: `global-db-v2-${env}`,
    port: 54322,
  });
  addInstance(world, primary, `primary-db-instance-v2-${env}-0`, { isClusterWriter: true });
  addInstance(world, primary, `primary-db-instance-v2-${env}-1`);
  addInstance(world, dr, `dr-db-instance-v2-${env}-0`);
  addInstance(world, dr, `dr-db-instance-v2-${env}-1`);
  const global: GlobalCluster = {
    identifier: `global-db-v2-${env}`,
    arn: `arn:aws:rds::${world.accountId}:global-cluster:global-db-v2-${env}`,
    status: 'available',
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    storageEncrypted: true,
    deletionProtection: true,
    members: [
      { clusterArn: primary.arn, isWriter: true },
      { clusterArn: dr.arn, isWriter: false },
    ],
  };
  world.globalClusters.set(global.identifier, global);
  return { primary, dr, global };
}
