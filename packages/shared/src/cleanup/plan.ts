import type { MigrationConfig } from '../config/types.js';
import type { ArchiveRecord } from './archives.js';
import type { ClusterRole, V1Inventory } from './inventory.js';

/*
 * Step 4.3 as an ordered plan, built from what exists: AWS's order for a global database (detach the DR
 * cluster, delete its instances, delete it; the same for the primary; the global cluster once it has no
 * members), then the table's replicas before the table, and the secret last, with a recovery window.
 * Every step names its resource and Region; a cluster's step names the final snapshot that lets it be
 * deleted without another.
 */

export type StepKind =
  | 'disable-cluster-protection'
  | 'remove-from-global-cluster'
  | 'delete-instance'
  | 'delete-cluster'
  | 'disable-global-protection'
  | 'delete-global-cluster'
  | 'remove-table-replica'
  | 'delete-table'
  | 'delete-secret';

export interface PlanStep {
  /** Stable within a plan: `delete-instance:us-east-2:dr-db-instance-0-dev`. */
  id: string;
  kind: StepKind;
  region: string;
  resource: string;
  /** What the step does, for the plan and the summary. */
  description: string;
  /** The lane it runs in: RDS (per cluster role), the table, or the secret (which waits for both). */
  lane: ClusterRole | 'global' | 'table' | 'secret';
}

export interface PlanOptions {
  secretRecoveryDays: number;
}

export function planDeletion(
  config: MigrationConfig,
  inventory: V1Inventory,
  archives: readonly ArchiveRecord[],
  options: PlanOptions,
): PlanStep[] {
  const steps: PlanStep[] = [];
  const add = (step: Omit<PlanStep, 'id'>) =>
    steps.push({ ...step, id: `${step.kind}:${step.region}:${step.resource}` });
  // The secondary first: AWS refuses to delete a global database's primary while a secondary is attached.
  for (const role of ['dr', 'primary'] as const) {
    const cluster = inventory.clusters.find((c) => c.role === role);
    if (!cluster) continue;
    const { region, identifier } = cluster;
    if (cluster.deletionProtection) {
      add({
        kind: 'disable-cluster-protection',
        region,
        resource: identifier,
        lane: role,
        description: `Turn off deletion protection of ${identifier} (ModifyDBCluster).`,
      });
    }
    if (cluster.globalMember) {
      add({
        kind: 'remove-from-global-cluster',
        region,
        resource: identifier,
        lane: role,
        description:
          `Detach ${identifier} from the global cluster ${inventory.globalCluster?.identifier ?? config.v1.globalCluster} ` +
          `(RemoveFromGlobalCluster) and wait until it is available on its own.`,
      });
    }
    for (const instance of cluster.instances) {
      add({
        kind: 'delete-instance',
        region,
        resource: instance.identifier,
        lane: role,
        description: `Delete the instance ${instance.identifier} of ${identifier} and wait until it is gone.`,
      });
    }
    const archive = archives.find((a) => a.kind === 'cluster-snapshot' && same(a.source, identifier));
    add({
      kind: 'delete-cluster',
      region,
      resource: identifier,
      lane: role,
      description:
        `Delete the cluster ${identifier} without another final snapshot: its final archive is ` +
        `${archive ? archive.identifier : 'the snapshot this run makes first'}. Wait until it is gone.`,
    });
  }
  if (inventory.globalCluster) {
    const { identifier } = inventory.globalCluster;
    if (inventory.globalCluster.deletionProtection) {
      add({
        kind: 'disable-global-protection',
        region: config.regions.primary,
        resource: identifier,
        lane: 'global',
        description: `Turn off deletion protection of the global cluster ${identifier} (ModifyGlobalCluster).`,
      });
    }
    add({
      kind: 'delete-global-cluster',
      region: config.regions.primary,
      resource: identifier,
      lane: 'global',
      description: `Delete the global cluster ${identifier} once it has no members, and wait until it is gone.`,
    });
  }
  if (inventory.table) {
    const { name, region } = inventory.table;
    for (const replica of inventory.table.replicas) {
      add({
        kind: 'remove-table-replica',
        region,
        resource: `${name}@${replica.region}`,
        lane: 'table',
        description: `Remove the ${replica.region} replica of ${name} (UpdateTable) and wait until it is gone.`,
      });
    }
    const archive = archives.find((a) => a.kind === 'table-export');
    add({
      kind: 'delete-table',
      region,
      resource: name,
      lane: 'table',
      description:
        `Delete the table ${name} and wait until it is gone; its final archive is ` +
        `${archive ? archive.identifier : 'the export this run makes first'}.`,
    });
  }
  if (inventory.secret && inventory.secret.deletedDate === undefined) {
    add({
      kind: 'delete-secret',
      region: inventory.secret.region,
      resource: inventory.secret.name,
      lane: 'secret',
      description:
        options.secretRecoveryDays === 0
          ? `Delete the secret ${inventory.secret.name} at once, without a recovery window (allow-force-delete-secret).`
          : `Schedule the deletion of the secret ${inventory.secret.name} with a ${options.secretRecoveryDays}-day ` +
            `recovery window (RestoreSecret brings it back until then).`,
    });
  }
  return steps;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
