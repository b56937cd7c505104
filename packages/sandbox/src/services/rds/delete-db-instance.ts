import type { QueryHandler } from '../../protocols/types.js';
import { invalidDBClusterState, invalidDBInstanceState, invalidParameterCombination } from './errors.js';
import { startTransition } from './lifecycle.js';
import { requireInstance } from './lookup.js';
import { clusterInstances, clusterOf, membershipOf } from './members.js';
import { booleanParam, requiredParam } from './request.js';
import { dbInstanceXml } from './serialize.js';

/*
 * DeleteDBInstance for the world's instances, which are all Aurora cluster members. The instance is
 * `deleting` for the world's `deletionTimings.instanceMs`, then gone (lifecycle.ts), so that
 * `waitUntilDBInstanceDeleted` first polls it deleting and then gets DBInstanceNotFoundFault.
 *
 * Refusals, each seen from real AWS by third parties:
 * - FinalDBSnapshotIdentifier → InvalidParameterCombination "FinalDBSnapshotIdentifier can not be
 *   specified when deleting a cluster instance" (cloud-custodian/cloud-custodian#1153). SkipFinalSnapshot
 *   is accepted either way: the guide's own cleanup passes --skip-final-snapshot, and
 *   terraform-provider-aws deletes cluster instances with the default (false).
 * - An instance already deleting → InvalidDBInstanceState "Instance … is already being deleted."
 *   (hashicorp/terraform-provider-aws#5624).
 * - The last instance of the writer cluster of a global database that still has other members →
 *   InvalidDBClusterStateFault "Cannot delete the last instance of the master cluster. Delete the
 *   replica cluster before deleting the last master cluster instance." (rebuy-de/aws-nuke#570,
 *   terraform-provider-aws#26234).
 */
export const deleteDBInstance: QueryHandler = (ctx, params) => {
  const instance = requireInstance(ctx, requiredParam(params, 'DBInstanceIdentifier'));
  booleanParam(params, 'SkipFinalSnapshot');
  booleanParam(params, 'DeleteAutomatedBackups');
  if (params.get('FinalDBSnapshotIdentifier')) {
    throw invalidParameterCombination(
      'FinalDBSnapshotIdentifier can not be specified when deleting a cluster instance',
    );
  }
  if (instance.status === 'deleting') {
    throw invalidDBInstanceState(`Instance ${instance.identifier} is already being deleted.`);
  }
  const cluster = clusterOf(ctx.world, instance);
  const siblings = clusterInstances(ctx.world, {
    identifier: instance.clusterIdentifier,
    region: instance.region,
  });
  const remaining = siblings.filter((other) => other !== instance && other.status !== 'deleting');
  const membership = cluster && membershipOf(ctx.world, cluster);
  if (remaining.length === 0 && membership?.member.isWriter && membership.others.length > 0) {
    throw invalidDBClusterState(
      'Cannot delete the last instance of the master cluster. Delete the replica cluster before deleting ' +
        'the last master cluster instance.',
    );
  }
  instance.status = 'deleting';
  instance.deletion = startTransition(ctx.now(), ctx.world.deletionTimings.instanceMs);
  return {
    DBInstance: dbInstanceXml(instance, cluster, Math.max(0, siblings.indexOf(instance))),
  };
};
