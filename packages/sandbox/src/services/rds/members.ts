import type { DbCluster, DbInstance, GlobalCluster, GlobalClusterMember } from '../../world/types.js';
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

/** The cluster an instance belongs to, if the world has it (identifiers are not case-sensitive). */
export function clusterOf(
  world: World,
  instance: Pick<DbInstance, 'clusterIdentifier' | 'region'>,
): DbCluster | undefined {
  const wanted = instance.clusterIdentifier.toLowerCase();
  return [...world.region(instance.region).clusters.values()].find(
    (cluster) => cluster.identifier.toLowerCase() === wanted,
  );
}

/** A cluster's place in a global cluster: the global cluster and the member entry naming the cluster. */
export interface Membership {
  global: GlobalCluster;
  member: GlobalClusterMember;
  /** The global cluster's other members. */
  others: GlobalClusterMember[];
}

/**
 * The global cluster that lists `cluster` as a member, if any. Read from the global clusters' member
 * lists, which are what AWS checks, rather than from the cluster's own `globalClusterIdentifier`.
 */
export function membershipOf(world: World, cluster: Pick<DbCluster, 'arn'>): Membership | undefined {
  const arn = cluster.arn.toLowerCase();
  for (const global of world.globalClusters.values()) {
    const member = global.members.find((m) => m.clusterArn.toLowerCase() === arn);
    if (member) return { global, member, others: global.members.filter((m) => m !== member) };
  }
  return undefined;
}
