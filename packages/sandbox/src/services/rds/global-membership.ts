import type { QueryHandler } from '../../protocols/types.js';
import type { GlobalCluster } from '../../world/types.js';
import {
  dbClusterNotFound,
  invalidGlobalClusterState,
  invalidParameterCombination,
  invalidParameterValue,
} from './errors.js';
import { startTransition } from './lifecycle.js';
import { requireGlobalCluster } from './lookup.js';
import { booleanParam, refuseUnsupported, requiredParam } from './request.js';
import { globalClusterXml } from './serialize.js';

/*
 * The global cluster's own operations: detaching a member (RemoveFromGlobalCluster), deleting the empty
 * global cluster (DeleteGlobalCluster), and switching its deletion protection (ModifyGlobalCluster).
 * AWS's order (../shared/reference/aws.md §8): detach every secondary, then the primary, then delete
 * the global cluster once it has no members.
 */

/**
 * RemoveFromGlobalCluster, called in the member's region with the member's ARN. The member leaves the
 * member list at once and becomes a standalone cluster, `promoting` for the world's
 * `deletionTimings.promoteMs` and then `available` (terraform-provider-aws#40333: a cluster just
 * removed is `promoting` for a while).
 *
 * Verified: a cluster that is not a member → InvalidParameterValue "… is not found in global cluster …"
 * (the fragment terraform-provider-aws and ekristen/aws-nuke match on; the rest of the message is ours).
 * Conservative: a plain identifier instead of an ARN is refused as InvalidParameterValue (AWS calls it
 * malformed: aws-cloudformation-resource-providers-rds#103); removing the writer while other members
 * remain → InvalidGlobalClusterStateFault (AWS refuses it, ekristen/aws-nuke#1018; the code is our
 * choice); the writer, removed last, is `promoting` like a secondary; the member list changes at once,
 * where AWS may take a moment.
 */
export const removeFromGlobalCluster: QueryHandler = (ctx, params) => {
  const global = requireGlobalCluster(ctx.world, requiredParam(params, 'GlobalClusterIdentifier'));
  const clusterArn = requiredParam(params, 'DbClusterIdentifier');
  if (!clusterArn.startsWith('arn:')) {
    throw invalidParameterValue(
      `The parameter DbClusterIdentifier must be the ARN of a DB cluster; ${clusterArn} is malformed.`,
    );
  }
  // Only the caller's region is searched: a member of another region is not found from here.
  const wanted = clusterArn.toLowerCase();
  const cluster = [...ctx.world.region(ctx.region).clusters.values()].find(
    (c) => c.arn.toLowerCase() === wanted,
  );
  if (!cluster) throw dbClusterNotFound(clusterArn);
  const member = global.members.find((m) => m.clusterArn.toLowerCase() === wanted);
  if (!member) {
    throw invalidParameterValue(
      `The DB cluster ${cluster.arn} is not found in global cluster ${global.identifier}.`,
    );
  }
  if (member.isWriter && global.members.length > 1) {
    throw invalidGlobalClusterState(
      `Cannot remove the primary cluster ${cluster.arn} from global cluster ${global.identifier} while there ` +
        'are other global cluster members; remove the secondary clusters first.',
    );
  }
  global.members = global.members.filter((m) => m !== member);
  delete cluster.globalClusterIdentifier;
  cluster.status = 'promoting';
  cluster.promotion = startTransition(ctx.now(), ctx.world.deletionTimings.promoteMs);
  return { GlobalCluster: globalClusterXml(global) };
};

/**
 * DeleteGlobalCluster: `deleting` for the world's `deletionTimings.globalClusterMs`, then gone, so a
 * caller polling DescribeGlobalClusters (no waiter exists for global clusters) sees it go.
 *
 * Verified: members remain → InvalidGlobalClusterStateFault (the API reference: "primary and secondary
 * clusters must already be detached or destroyed first", and the only state fault the model lists; the
 * message is moto's). Conservative: deletion
 * protection → InvalidParameterCombination, worded as for clusters; a global cluster already deleting →
 * InvalidGlobalClusterStateFault.
 */
export const deleteGlobalCluster: QueryHandler = (ctx, params) => {
  const global = requireGlobalCluster(ctx.world, requiredParam(params, 'GlobalClusterIdentifier'));
  refuseWhileDeleting(global);
  if (global.members.length > 0) throw invalidGlobalClusterState(`Global Cluster ${global.arn} is not empty`);
  if (global.deletionProtection) {
    throw invalidParameterCombination(
      'Cannot delete protected Global Cluster, please disable deletion protection and try again.',
    );
  }
  global.status = 'deleting';
  global.deletion = startTransition(ctx.now(), ctx.world.deletionTimings.globalClusterMs);
  return { GlobalCluster: globalClusterXml(global) };
};

/** ModifyGlobalCluster, for DeletionProtection only (applied at once); any other change is refused. */
export const modifyGlobalCluster: QueryHandler = (ctx, params) => {
  refuseUnsupported(params, 'ModifyGlobalCluster', ['GlobalClusterIdentifier', 'DeletionProtection']);
  const global = requireGlobalCluster(ctx.world, requiredParam(params, 'GlobalClusterIdentifier'));
  refuseWhileDeleting(global);
  const deletionProtection = booleanParam(params, 'DeletionProtection');
  if (deletionProtection !== undefined) global.deletionProtection = deletionProtection;
  return { GlobalCluster: globalClusterXml(global) };
};

function refuseWhileDeleting(global: GlobalCluster): void {
  if (global.status === 'deleting') {
    throw invalidGlobalClusterState(`Global cluster ${global.identifier} is being deleted.`);
  }
}
