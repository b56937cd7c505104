import type { DbCluster, DbInstance } from '../../world/types.js';
import type { World } from '../../world/world.js';

/**
 * The instances of a cluster, from the world's instances that name it: the writer first, then the
 * readers by identifier. This order also places them across Availability Zones (see derived.ts).
 */
export function clusterInstances(
  world: World,
  cluster: Pick<DbCluster, 'identifier' | 'region'>,
): DbInstance[] {
  const wanted = cluster.identifier.toLowerCase();
  return [...world.region(cluster.region).instances.values()]
    .filter((instance) => instance.clusterIdentifier.toLowerCase() === wanted)
    .sort(
      (a, b) =>
        Number(b.isClusterWriter) - Number(a.isClusterWriter) || a.identifier.localeCompare(b.identifier),
    );
}
