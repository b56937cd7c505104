import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { latest, max, readMetrics } from './metric-data.js';

export interface LagReading {
  /** Largest lag seen in the window, in milliseconds; undefined when there was no data point. */
  maxMs?: number;
  /** Most recent data point, in milliseconds. */
  latestMs?: number;
  points: number;
}

/**
 * AuroraGlobalDBReplicationLag of a secondary cluster, read in the secondary's region (the only region
 * that publishes it). The maximum over a window, not one sample, so a spike is not missed.
 */
export async function readReplicationLag(
  cloudwatch: CloudWatchClient,
  secondaryClusterIdentifier: string,
  options: { windowMinutes: number; now?: Date },
): Promise<LagReading> {
  const end = options.now ?? new Date();
  const start = new Date(end.getTime() - options.windowMinutes * 60_000);
  const [lag] = await readMetrics(
    cloudwatch,
    [
      {
        id: 'lag',
        namespace: 'AWS/RDS',
        metricName: 'AuroraGlobalDBReplicationLag',
        dimensions: { DBClusterIdentifier: secondaryClusterIdentifier },
        stat: 'Maximum',
        periodSeconds: 60,
      },
    ],
    { start, end },
  );
  if (!lag || lag.missing) return { points: 0 };
  return { maxMs: max(lag), latestMs: latest(lag)?.value, points: lag.points.length };
}
