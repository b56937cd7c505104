import type { QueryHandler } from '../../protocols/types.js';
import { invalidDBClusterState } from './errors.js';
import { requireCluster } from './lookup.js';
import { clusterInstances } from './members.js';
import { booleanParam, refuseUnsupported, requiredParam } from './request.js';
import { dbClusterXml } from './serialize.js';

/**
 * ModifyDBCluster for what the cleanup needs: DeletionProtection, which AWS applies at once whatever
 * ApplyImmediately says (../shared/reference/aws.md §8), so the cluster stays `available`. Any other
 * change is refused rather than ignored.
 *
 * Conservative: a cluster that is not `available` (deleting, or promoting after RemoveFromGlobalCluster)
 * is refused with InvalidDBClusterStateFault; AWS's behaviour while promoting is not verified.
 */
export const modifyDBCluster: QueryHandler = (ctx, params) => {
  refuseUnsupported(params, 'ModifyDBCluster', [
    'DBClusterIdentifier',
    'ApplyImmediately',
    'DeletionProtection',
  ]);
  const cluster = requireCluster(ctx, requiredParam(params, 'DBClusterIdentifier'));
  booleanParam(params, 'ApplyImmediately');
  const deletionProtection = booleanParam(params, 'DeletionProtection');
  if (cluster.status !== 'available') {
    throw invalidDBClusterState(
      `DB cluster ${cluster.identifier} is ${cluster.status}; it can be modified only when available.`,
    );
  }
  if (deletionProtection !== undefined) cluster.deletionProtection = deletionProtection;
  return { DBCluster: dbClusterXml(cluster, clusterInstances(ctx.world, cluster)) };
};
