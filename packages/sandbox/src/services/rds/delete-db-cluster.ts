import type { QueryHandler, QueryParams, RequestContext } from '../../protocols/types.js';
import type { DbCluster } from '../../world/types.js';
import {
  invalidDBClusterState,
  invalidGlobalClusterState,
  invalidParameterCombination,
  invalidParameterValue,
} from './errors.js';
import { startTransition } from './lifecycle.js';
import { requireCluster } from './lookup.js';
import { clusterInstances, membershipOf } from './members.js';
import { booleanParam, requiredParam } from './request.js';
import { dbClusterXml } from './serialize.js';
import { createDBClusterSnapshot } from './snapshots.js';

/*
 * DeleteDBCluster. The cluster is `deleting` for the world's `deletionTimings.clusterMs`, then gone
 * (lifecycle.ts); its manual snapshots stay, as AWS keeps them. With FinalDBSnapshotIdentifier a manual
 * snapshot is taken first, exactly as CreateDBClusterSnapshot takes one.
 *
 * What is verified (third-party reports of real AWS answers, ../shared/reference/aws.md §8):
 * - SkipFinalSnapshot and FinalDBSnapshotIdentifier together → InvalidParameterCombination "You cannot
 *   specify both FinalDBSnapshotIdentifier and SkipFinalSnapshot" (crossplane-contrib/provider-aws#1423).
 * - Neither → InvalidParameterCombination "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot
 *   is specified." (seen from DocumentDB, which shares this API: terraform-provider-aws#33539).
 * - Instances not deleting → InvalidDBClusterStateFault "Cluster cannot be deleted, it still contains DB
 *   instances in non-deleting state." (getmoto/moto#6998, confirmed against AWS).
 * - The writer of a global cluster with other members → InvalidGlobalClusterStateFault "Unable to delete
 *   cluster that is a primary member of global cluster while there are other global cluster members"
 *   (terraform-provider-aws#26236); a secondary member → InvalidDBClusterStateFault (ekristen/aws-nuke#1018).
 * - Just removed from its global cluster (`promoting`) with a final snapshot → InvalidDBClusterStateFault
 *   (terraform-provider-aws#40333), which the snapshot taking gives here.
 *
 * Conservative choices (AWS's answer not found): the deletion-protection error (code and message as
 * reported by emulators: InvalidParameterCombination); refusing the sole remaining member of a global
 * cluster; refusing any status other than `available`, with or without a final snapshot; the messages of
 * the secondary-member and not-available refusals; and the order of the checks (parameters, deletion
 * protection, status, global membership, instances).
 */
export const deleteDBCluster: QueryHandler = async (ctx, params) => {
  const identifier = requiredParam(params, 'DBClusterIdentifier');
  const finalSnapshot = finalSnapshotIdentifier(params);
  booleanParam(params, 'DeleteAutomatedBackups');
  const cluster = requireCluster(ctx, identifier);
  refuseDeletion(ctx, cluster);
  if (finalSnapshot !== undefined) {
    // Fails (the snapshot exists already, the cluster is not available) before anything has changed.
    await createDBClusterSnapshot(
      ctx,
      new URLSearchParams({
        DBClusterIdentifier: cluster.identifier,
        DBClusterSnapshotIdentifier: finalSnapshot,
      }),
    );
  }
  cluster.status = 'deleting';
  cluster.deletion = startTransition(ctx.now(), ctx.world.deletionTimings.clusterMs);
  return { DBCluster: dbClusterXml(cluster, clusterInstances(ctx.world, cluster)) };
};

/** RDS identifier rules, as for DBClusterSnapshotIdentifier (snapshots.ts). */
const IDENTIFIER = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}$/;

/** The final snapshot to take, or undefined when SkipFinalSnapshot says to take none. */
function finalSnapshotIdentifier(params: QueryParams): string | undefined {
  const skip = booleanParam(params, 'SkipFinalSnapshot') ?? false;
  const identifier = params.get('FinalDBSnapshotIdentifier') || undefined;
  if (skip && identifier !== undefined) {
    throw invalidParameterCombination(
      'You cannot specify both FinalDBSnapshotIdentifier and SkipFinalSnapshot',
    );
  }
  if (skip) return undefined;
  if (identifier === undefined) {
    throw invalidParameterCombination(
      'FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.',
    );
  }
  if (!IDENTIFIER.test(identifier) || identifier.endsWith('-')) {
    throw invalidParameterValue(
      'The parameter FinalDBSnapshotIdentifier is not a valid identifier. Identifiers must begin with a letter; ' +
        'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two ' +
        'consecutive hyphens.',
    );
  }
  return identifier;
}

function refuseDeletion(ctx: RequestContext, cluster: DbCluster): void {
  if (cluster.deletionProtection) {
    throw invalidParameterCombination(
      'Cannot delete protected Cluster, please disable deletion protection and try again.',
    );
  }
  if (cluster.status !== 'available') {
    throw invalidDBClusterState(
      `DB cluster ${cluster.identifier} is ${cluster.status}; it can be deleted only when available.`,
    );
  }
  const membership = membershipOf(ctx.world, cluster);
  if (membership && !membership.member.isWriter) {
    throw invalidDBClusterState(
      `DB cluster ${cluster.identifier} is a secondary member of global cluster ${membership.global.identifier}; ` +
        'remove it from the global cluster before deleting it.',
    );
  }
  if (membership && membership.others.length > 0) {
    throw invalidGlobalClusterState(
      'Unable to delete cluster that is a primary member of global cluster while there are other global cluster members',
    );
  }
  if (membership) {
    throw invalidDBClusterState(
      `DB cluster ${cluster.identifier} is still the primary member of global cluster ` +
        `${membership.global.identifier}; remove it from the global cluster before deleting it.`,
    );
  }
  if (clusterInstances(ctx.world, cluster).some((instance) => instance.status !== 'deleting')) {
    throw invalidDBClusterState(
      'Cluster cannot be deleted, it still contains DB instances in non-deleting state.',
    );
  }
}
