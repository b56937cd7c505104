import type { DBCluster } from '@aws-sdk/client-rds';
import type { Check } from '../report/index.js';
import type { LagReading } from '../resources/replication-lag.js';
import type { HealthContext } from './types.js';

/** Minutes of AuroraGlobalDBReplicationLag the check looks back over. */
export const LAG_WINDOW_MINUTES = 15;

/** Lag of the DR cluster over the last LAG_WINDOW_MINUTES: the maximum, so that a recent spike counts. */
export function lagCheck(ctx: HealthContext, dr: DBCluster | undefined, lag: LagReading): Check {
  const { config, options } = ctx;
  const base = {
    id: 'replication-lag',
    title: `Replication lag under ${options.maxReplicationLagSeconds} s`,
    region: config.regions.dr,
    resource: config.v2.drCluster,
  };
  if (!dr) return { ...base, status: 'skip', detail: 'DR cluster not found' };
  if (lag.maxMs === undefined) {
    return {
      ...base,
      status: 'warn',
      detail: `no AuroraGlobalDBReplicationLag data in the last ${LAG_WINDOW_MINUTES} minutes`,
    };
  }
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 3 : 1)} s`;
  const ok = lag.maxMs <= options.maxReplicationLagSeconds * 1000;
  return {
    ...base,
    status: ok ? 'pass' : 'fail',
    detail: `max ${seconds(lag.maxMs)}, latest ${seconds(lag.latestMs ?? lag.maxMs)} (${lag.points} data points in the last ${LAG_WINDOW_MINUTES} minutes)`,
  };
}
