import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';

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
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'lag',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraGlobalDBReplicationLag',
              Dimensions: [{ Name: 'DBClusterIdentifier', Value: secondaryClusterIdentifier }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    }),
  );
  const values = out.MetricDataResults?.find((r) => r.Id === 'lag')?.Values ?? [];
  if (values.length === 0) return { points: 0 };
  return { maxMs: Math.max(...values), latestMs: values[0], points: values.length };
}
