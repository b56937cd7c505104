import { describeCluster } from '../resources/aurora.js';
import { readClusterParameter } from '../resources/cluster-parameters.js';
import type { MigrateContext } from './types.js';

const PARAMETER = 'rds.logical_replication';

/**
 * What keeps v1 from decoding its WAL for a logical replication or a DMS task, as Aurora sets it: the
 * cluster parameter group's rds.logical_replication, which takes effect only once the writer rebooted.
 * Empty when it is set; each problem with its fix.
 */
export async function logicalReplicationSetting(ctx: MigrateContext): Promise<string[]> {
  const { config } = ctx;
  const rds = ctx.clients.rds(config.regions.primary);
  const cluster = await describeCluster(rds, config.v1.primaryCluster);
  const parameter = cluster ? await readClusterParameter(rds, cluster, PARAMETER) : undefined;
  if (parameter && parameter.value !== '1') {
    return [
      `v1's DB cluster parameter group ${parameter.group} has ${PARAMETER} = ${parameter.value ?? 'unset (0)'}: ` +
        `give ${config.v1.primaryCluster} a custom DB cluster parameter group with ${PARAMETER} = 1 ` +
        `(aws rds modify-db-cluster-parameter-group --parameters ParameterName=${PARAMETER},ParameterValue=1,ApplyMethod=pending-reboot), ` +
        'then reboot its writer instance',
    ];
  } else if (parameter?.writerStatus === 'pending-reboot') {
    return [
      `v1's DB cluster parameter group ${parameter.group} sets ${PARAMETER} = 1 but the writer of ${config.v1.primaryCluster} ` +
        'has not been rebooted since (pending-reboot): reboot the writer instance, then run again',
    ];
  }
  return [];
}
