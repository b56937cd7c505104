import type { DBCluster } from '@aws-sdk/client-rds';
import type { Check } from '../report/index.js';
import { describeGlobalCluster } from '../resources/aurora.js';
import { readReplicationLag } from '../resources/replication-lag.js';
import { clusterChecks, clusterWithInstances, protectionCheck } from './cluster-checks.js';
import { globalClusterChecks } from './global-cluster-checks.js';
import { LAG_WINDOW_MINUTES, lagCheck } from './lag-check.js';
import type { HealthContext } from './types.js';

/** What the Aurora checks found, for the connectivity checks that follow. */
export interface AuroraFindings {
  checks: Check[];
  primary?: DBCluster;
}

/**
 * Step 1.2 of the guide for the Aurora global database: both v2 clusters and all their instances
 * available, the global cluster made of exactly those two with the writer in the primary region,
 * replication lag under the threshold, deletion protection and encryption on. Every read is
 * independent, so they all go out at once.
 */
export async function checkAurora(ctx: HealthContext): Promise<AuroraFindings> {
  const { config, clients } = ctx;
  const [primary, dr, global, lag] = await Promise.all([
    clusterWithInstances(ctx, 'primary'),
    clusterWithInstances(ctx, 'dr'),
    describeGlobalCluster(clients.rds(config.regions.primary), config.v2.globalCluster),
    readReplicationLag(clients.cloudwatch(config.regions.dr), config.v2.drCluster, {
      windowMinutes: LAG_WINDOW_MINUTES,
    }),
  ]);
  const both = [primary.cluster, dr.cluster];
  const checks: Check[] = [
    ...clusterChecks(ctx, 'primary', primary.cluster, primary.instances),
    ...clusterChecks(ctx, 'dr', dr.cluster, dr.instances),
    ...globalClusterChecks(ctx, global, primary.cluster, dr.cluster),
    lagCheck(ctx, dr.cluster, lag),
    protectionCheck(ctx, 'deletion-protection', 'Deletion protection on for both v2 clusters', both, (c) =>
      Boolean(c.DeletionProtection),
    ),
    protectionCheck(ctx, 'storage-encryption', 'Storage encrypted on both v2 clusters', both, (c) =>
      Boolean(c.StorageEncrypted),
    ),
  ];
  return { checks, ...(primary.cluster ? { primary: primary.cluster } : {}) };
}
