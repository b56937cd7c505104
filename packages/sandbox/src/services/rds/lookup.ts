import type { RequestContext } from '../../protocols/types.js';
import type { DbCluster, DbInstance, GlobalCluster } from '../../world/types.js';
import type { World } from '../../world/world.js';
import { dbClusterNotFound, dbInstanceNotFound, globalClusterNotFound } from './errors.js';
import { namesResource } from './params.js';

/**
 * The resource a request names, by identifier or ARN (case-insensitive, as AWS), or the operation's
 * not-found fault. Clusters and instances are looked up in the caller's region only: a cluster of
 * another region is not found, as in AWS.
 */

export function requireCluster(ctx: RequestContext, identifier: string): DbCluster {
  const cluster = [...ctx.world.region(ctx.region).clusters.values()].find((c) =>
    namesResource(identifier, c),
  );
  if (!cluster) throw dbClusterNotFound(identifier);
  return cluster;
}

export function requireInstance(ctx: RequestContext, identifier: string): DbInstance {
  const instance = [...ctx.world.region(ctx.region).instances.values()].find((i) =>
    namesResource(identifier, i),
  );
  if (!instance) throw dbInstanceNotFound(identifier);
  return instance;
}

/** Global clusters span regions: every region finds them. */
export function requireGlobalCluster(world: World, identifier: string): GlobalCluster {
  const global = [...world.globalClusters.values()].find((g) => namesResource(identifier, g));
  if (!global) throw globalClusterNotFound(identifier);
  return global;
}
