import { progressAt } from '../../world/progress.js';
import type { DbCluster, DbInstance, TimedTransition } from '../../world/types.js';
import type { World } from '../../world/world.js';
import { clusterInstances } from './members.js';

/*
 * Deletions and promotions as the sandbox's clock moves them. Nothing runs between requests: each
 * resource keeps when its change started and how long it takes, and every RDS request first settles
 * the world at `now` — a deletion that has run removes the resource from the world's maps, a promotion
 * that has run leaves the cluster `available`. Handlers, the members view and a test reading
 * `sandbox.world` after a request therefore all see the same account, and a test that moves
 * `sandbox.now` moves these changes too.
 */

/** Starts a change now, for the duration the world's timings give it. */
export function startTransition(now: Date, durationMs: number): TimedTransition {
  return { startedAt: now, durationMs };
}

/** Whether `transition` (if any) has run by `now`. */
export function hasRun(transition: TimedTransition | undefined, now: Date): boolean {
  return transition !== undefined && progressAt(transition.startedAt, transition.durationMs, now).finished;
}

/** Brings every region of the world, and the global clusters, to `now`. */
export function settleLifecycles(world: World, now: Date): void {
  for (const region of world.regionNames()) {
    const state = world.region(region);
    for (const [key, instance] of state.instances) {
      if (!hasRun(instance.deletion, now)) continue;
      state.instances.delete(key);
      if (instance.isClusterWriter) failOver(world, instance);
    }
    for (const [key, cluster] of state.clusters) {
      if (hasRun(cluster.deletion, now)) {
        state.clusters.delete(key);
        // A cluster is only deleted once its instances are deleting; any still listed go with it.
        for (const instance of clusterInstances(world, cluster)) state.instances.delete(instance.identifier);
      } else if (hasRun(cluster.promotion, now)) {
        endPromotion(cluster);
      }
    }
  }
  for (const [key, global] of world.globalClusters) {
    if (hasRun(global.deletion, now)) world.globalClusters.delete(key);
  }
}

/** Aurora fails over to a reader when the writer instance goes: the first reader still running. */
function failOver(world: World, writer: DbInstance): void {
  const survivor = clusterInstances(world, {
    identifier: writer.clusterIdentifier,
    region: writer.region,
  }).find((instance) => instance.deletion === undefined);
  if (survivor) survivor.isClusterWriter = true;
}

function endPromotion(cluster: DbCluster): void {
  delete cluster.promotion;
  if (cluster.status === 'promoting') cluster.status = 'available';
}
