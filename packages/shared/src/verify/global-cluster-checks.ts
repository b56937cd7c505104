import type { DBCluster, GlobalCluster } from '@aws-sdk/client-rds';
import type { Check } from '../report/index.js';
import type { HealthContext } from './types.js';

/** Exactly the two v2 clusters as members, and the primary-region cluster as the writer. */
export function globalClusterChecks(
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
