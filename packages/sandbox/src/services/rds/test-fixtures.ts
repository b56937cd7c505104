import { RDSClient } from '@aws-sdk/client-rds';
import type { Sandbox } from '../../server.js';
import { failure, sandboxClient, type ServiceError } from '../../test-support.js';
import {
  addCluster as addWorldCluster,
  addGlobalCluster,
  addInstance as addWorldInstance,
} from '../../world/aurora-builders.js';
import type { DbCluster, DbInstance } from '../../world/types.js';
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

/** A cluster with the fixtures' fixed creation time, port and database. */
export function addCluster(
  world: World,
  region: string,
  identifier: string,
  overrides: Partial<DbCluster> = {},
): DbCluster {
  return addWorldCluster(world, region, identifier, {
    port: 54321,
    databaseName: 'paymentsdb',
    createdAt: CREATED,
    ...overrides,
  });
}

export function addInstance(
  world: World,
  cluster: DbCluster,
  identifier: string,
  overrides: Partial<DbInstance> = {},
): DbInstance {
  return addWorldInstance(world, cluster, identifier, { createdAt: CREATED, ...overrides });
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
  const global = addGlobalCluster(world, `global-db-v2-${env}`, [
    { clusterArn: primary.arn, isWriter: true },
    { clusterArn: dr.arn, isWriter: false },
  ]);
  return { primary, dr, global };
}

/**
 * The RDS part of the world as plain data (clusters, instances, snapshots per region, global clusters),
 * so that a test can show a refused call left it exactly as it was.
 */
export function rdsState(world: World): unknown {
  const regions = world
    .regionNames()
    .sort()
    .map((name) => {
      const state = world.region(name);
      return {
        name,
        clusters: [...state.clusters.values()],
        instances: [...state.instances.values()],
        snapshots: [...state.clusterSnapshots.values()],
      };
    });
  return JSON.parse(JSON.stringify({ regions, globals: [...world.globalClusters.values()] })) as unknown;
}

/** The call fails with `name` and HTTP `status`; returns the error for further checks. */
export async function refusal(call: Promise<unknown>, name: string, status = 400): Promise<ServiceError> {
  const error = await failure(call);
  expect({ name: error.name, status: error.$metadata.httpStatusCode }).toEqual({ name, status });
  return error;
}
