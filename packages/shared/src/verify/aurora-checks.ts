import type { DBCluster, DBInstance, GlobalCluster } from '@aws-sdk/client-rds';
import type { Check } from '../report/index.js';
import { describeCluster, describeClusterInstances, describeGlobalCluster } from '../resources/aurora.js';
import { readReplicationLag } from '../resources/replication-lag.js';
import type { HealthContext } from './types.js';

/** What the Aurora checks found, for the connectivity checks that follow. */
export interface AuroraFindings {
  checks: Check[];
  primary?: DBCluster;
}

type Role = 'primary' | 'dr';

/**
 * Step 1.2 of the guide for the Aurora global database: both v2 clusters and all their instances
 * available, the global cluster made of exactly those two with the writer in the primary region,
 * replication lag under the threshold, deletion protection and encryption on.
 */
export async function checkAurora(ctx: HealthContext): Promise<AuroraFindings> {
  const { config, clients } = ctx;
  const [primary, dr, global] = await Promise.all([
    clusterWithInstances(ctx, 'primary'),
    clusterWithInstances(ctx, 'dr'),
    describeGlobalCluster(clients.rds(config.regions.primary), config.v2.globalCluster),
  ]);
  const checks: Check[] = [
    ...clusterChecks(ctx, 'primary', primary.cluster, primary.instances),
    ...clusterChecks(ctx, 'dr', dr.cluster, dr.instances),
    ...globalClusterChecks(ctx, global, primary.cluster, dr.cluster),
    await lagCheck(ctx, dr.cluster),
    protectionCheck(
      ctx,
      'deletion-protection',
      'Deletion protection on for both v2 clusters',
      [primary.cluster, dr.cluster],
      (c) => Boolean(c.DeletionProtection),
    ),
    protectionCheck(
      ctx,
      'storage-encryption',
      'Storage encrypted on both v2 clusters',
      [primary.cluster, dr.cluster],
      (c) => Boolean(c.StorageEncrypted),
    ),
  ];
  return { checks, ...(primary.cluster ? { primary: primary.cluster } : {}) };
}

function names(ctx: HealthContext, role: Role) {
  const { config } = ctx;
  return role === 'primary'
    ? { id: config.v2.primaryCluster, region: config.regions.primary, label: 'primary' }
    : { id: config.v2.drCluster, region: config.regions.dr, label: 'DR' };
}

async function clusterWithInstances(ctx: HealthContext, role: Role) {
  const { id, region } = names(ctx, role);
  const rds = ctx.clients.rds(region);
  const cluster = await describeCluster(rds, id);
  const instances = cluster ? await describeClusterInstances(rds, id) : [];
  return { cluster, instances };
}

function clusterChecks(
  ctx: HealthContext,
  role: Role,
  cluster: DBCluster | undefined,
  instances: DBInstance[],
) {
  const { id, region, label } = names(ctx, role);
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

function globalClusterChecks(
  ctx: HealthContext,
  global: GlobalCluster | undefined,
  primary: DBCluster | undefined,
  dr: DBCluster | undefined,
): Check[] {
  const { config } = ctx;
  const base = { region: 'global', resource: config.v2.globalCluster };
  if (!global) {
    return [
      {
        ...base,
        id: 'global-cluster-members',
        title: 'v2 global cluster has the two v2 clusters',
        status: 'fail',
        detail: 'global cluster not found',
      },
      {
        ...base,
        id: 'global-cluster-writer',
        title: 'v2 writer is the primary-region cluster',
        status: 'skip',
        detail: 'global cluster not found',
      },
    ];
  }
  const members = global.GlobalClusterMembers ?? [];
  const arns = members.map((m) => m.DBClusterArn ?? '?');
  const expected = [primary?.DBClusterArn, dr?.DBClusterArn];
  const missing = expected.filter((arn): arn is string => Boolean(arn) && !arns.includes(arn!));
  const extra = arns.filter((arn) => !expected.includes(arn));
  const membersOk = members.length === 2 && missing.length === 0 && extra.length === 0 && primary && dr;
  const memberCheck: Check = {
    ...base,
    id: 'global-cluster-members',
    title: 'v2 global cluster has the two v2 clusters',
    status: membersOk ? 'pass' : 'fail',
    detail: membersOk
      ? `members: ${config.v2.primaryCluster} (${config.regions.primary}), ${config.v2.drCluster} (${config.regions.dr})`
      : [
          `${members.length} member(s)`,
          missing.length ? `missing: ${missing.join(', ')}` : '',
          extra.length ? `unexpected: ${extra.join(', ')}` : '',
          !primary || !dr ? 'a v2 cluster was not found' : '',
        ]
          .filter(Boolean)
          .join('; '),
  };
  const writers = members.filter((m) => m.IsWriter);
  const writerOk =
    writers.length === 1 && primary !== undefined && writers[0]!.DBClusterArn === primary.DBClusterArn;
  const writerCheck: Check = {
    ...base,
    id: 'global-cluster-writer',
    title: 'v2 writer is the primary-region cluster',
    status: writerOk ? 'pass' : 'fail',
    detail: writerOk
      ? `writer ${primary!.DBClusterArn}`
      : writers.length === 0
        ? 'no member is the writer'
        : `writer is ${writers.map((w) => w.DBClusterArn).join(', ')}, expected ${primary?.DBClusterArn ?? config.v2.primaryCluster}`,
  };
  return [memberCheck, writerCheck];
}

/** Lag of the DR cluster over the last 15 minutes: the maximum, so that a recent spike counts. */
async function lagCheck(ctx: HealthContext, dr: DBCluster | undefined): Promise<Check> {
  const { config, options, clients } = ctx;
  const base = {
    id: 'replication-lag',
    title: `Replication lag under ${options.maxReplicationLagSeconds} s`,
    region: config.regions.dr,
    resource: config.v2.drCluster,
  };
  if (!dr) return { ...base, status: 'skip', detail: 'DR cluster not found' };
  const lag = await readReplicationLag(clients.cloudwatch(config.regions.dr), config.v2.drCluster, {
    windowMinutes: 15,
  });
  if (lag.maxMs === undefined) {
    return { ...base, status: 'warn', detail: 'no AuroraGlobalDBReplicationLag data in the last 15 minutes' };
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 3 : 1)} s`;
  const ok = lag.maxMs <= options.maxReplicationLagSeconds * 1000;
  return {
    ...base,
    status: ok ? 'pass' : 'fail',
    detail: `max ${seconds(lag.maxMs)}, latest ${seconds(lag.latestMs ?? lag.maxMs)} (${lag.points} data points in the last 15 minutes)`,
  };
}

/** A safety setting that should be on: a warning when off (a failure with fail-on-warning). */
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
