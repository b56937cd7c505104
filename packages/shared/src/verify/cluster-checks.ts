import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { Check } from '../report/index.js';
import { describeCluster, describeClusterInstances } from '../resources/aurora.js';
import type { HealthContext } from './types.js';

/** The two v2 clusters of the global database, by where they serve. */
export type Role = 'primary' | 'dr';

export function clusterNames(ctx: HealthContext, role: Role) {
  const { config } = ctx;
  return role === 'primary'
    ? { id: config.v2.primaryCluster, region: config.regions.primary, label: 'primary' }
    : { id: config.v2.drCluster, region: config.regions.dr, label: 'DR' };
}

/** A cluster and every one of its instances; the instances are empty when the cluster does not exist. */
export async function clusterWithInstances(ctx: HealthContext, role: Role) {
  const { id, region } = clusterNames(ctx, role);
  const rds = ctx.clients.rds(region);
  const cluster = await describeCluster(rds, id);
  const instances = cluster ? await describeClusterInstances(rds, id) : [];
  return { cluster, instances };
}

/** Available, with every instance available. */
export function clusterChecks(
  ctx: HealthContext,
  role: Role,
  cluster: DBCluster | undefined,
  instances: DBInstance[],
) {
  const { id, region, label } = clusterNames(ctx, role);
  const clusterCheck: Check = {
    id: `${role}-cluster`,
    title: `v2 ${label} cluster available`,
    region,
    resource: id,
    status: cluster?.Status === 'available' ? 'pass' : 'fail',
    detail: cluster ? `status ${cluster.Status}` : 'cluster not found',
  };
  const notAvailable = instances.filter((i) => i.DBInstanceStatus !== 'available');
  const instancesCheck: Check = {
    id: `${role}-instances`,
    title: `Every v2 ${label} instance available`,
    region,
    resource: id,
    status: !cluster ? 'skip' : instances.length > 0 && notAvailable.length === 0 ? 'pass' : 'fail',
    detail: !cluster
      ? 'cluster not found'
      : instances.length === 0
        ? 'the cluster has no instances'
        : notAvailable.length > 0
          ? `not available: ${notAvailable.map((i) => `${i.DBInstanceIdentifier} (${i.DBInstanceStatus})`).join(', ')}`
          : `${instances.length} available: ${instances.map((i) => i.DBInstanceIdentifier).join(', ')}`,
  };
  return [clusterCheck, instancesCheck];
}

export /** A safety setting that should be on: a warning when off (a failure with fail-on-warning). */
function protectionCheck(
  ctx: HealthContext,
  id: string,
  title: string,
  clusters: (DBCluster | undefined)[],
  isOn: (c: DBCluster) => boolean,
): Check {
  const found = clusters.filter((c): c is DBCluster => c !== undefined);
  const off = found.filter((c) => !isOn(c)).map((c) => c.DBClusterIdentifier);
  return {
    id,
    title,
    region: `${ctx.config.regions.primary}, ${ctx.config.regions.dr}`,
    resource: found.map((c) => c.DBClusterIdentifier).join(', ') || ctx.config.v2.primaryCluster,
    status: found.length === 0 ? 'skip' : off.length > 0 ? 'warn' : 'pass',
    detail: found.length === 0 ? 'no v2 cluster found' : off.length > 0 ? `off on ${off.join(', ')}` : 'on',
  };
}
