import {
  DescribeReplicationInstancesCommand,
  type DatabaseMigrationServiceClient,
} from '@aws-sdk/client-database-migration-service';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { readMetrics } from '../../resources/metric-data.js';
import type { DmsRun } from './run.js';

/*
 * DMS's own view of its lag (replication.md §3): `CDCLatencySource`, seconds from the last change read
 * on v1 to DMS's clock, and `CDCLatencyTarget`, seconds the oldest change not yet committed on v2 has
 * waited; the lag is their sum. Published per minute with the instance's and the task's identifiers
 * (the instance's name, not its ARN, which DescribeReplicationInstances gives).
 */

/** How far back the latest datapoint is looked for. */
const WINDOW_MS = 10 * 60_000;

export interface CdcLatency {
  source: number;
  target: number;
  /** The period of the latest datapoints. */
  at: Date;
}

/** The latest minute's CDC latency of the task; undefined when CloudWatch holds none in the last 10 minutes. */
export async function readCdcLatency(
  dms: DatabaseMigrationServiceClient,
  cloudwatch: CloudWatchClient,
  run: DmsRun,
  now: Date,
): Promise<CdcLatency | undefined> {
  const instances = await dms.send(
    new DescribeReplicationInstancesCommand({
      Filters: [{ Name: 'replication-instance-arn', Values: [run.instanceArn] }],
    }),
  );
  const instance = instances.ReplicationInstances?.[0]?.ReplicationInstanceIdentifier;
  if (!instance) return undefined;
  const dimensions = { ReplicationInstanceIdentifier: instance, ReplicationTaskIdentifier: run.task };
  const request = (id: string, metricName: string) => ({
    id,
    namespace: 'AWS/DMS',
    metricName,
    dimensions,
    stat: 'Maximum',
    periodSeconds: 60,
  });
  const [source, target] = await readMetrics(
    cloudwatch,
    [request('source', 'CDCLatencySource'), request('target', 'CDCLatencyTarget')],
    { start: new Date(now.getTime() - WINDOW_MS), end: now },
  );
  const lastSource = source?.points.at(-1);
  const lastTarget = target?.points.at(-1);
  if (!lastSource || !lastTarget) return undefined;
  return {
    source: lastSource.value,
    target: lastTarget.value,
    at: lastSource.timestamp > lastTarget.timestamp ? lastSource.timestamp : lastTarget.timestamp,
  };
}
