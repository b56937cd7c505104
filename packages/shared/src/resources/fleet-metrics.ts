import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { readMetrics, type MetricReading, type MetricRequest, type MetricWindow } from './metric-data.js';

/*
 * The metrics that show where the application's traffic goes (guide step 3.3, "Monitor v2 Traffic"):
 * DatabaseConnections per Aurora cluster and Consumed{Read,Write}CapacityUnits per DynamoDB table.
 * The bake reads them after cutover, rollback reads them to prove the traffic came back to v1.
 */

export interface FleetMetricWindow extends MetricWindow {
  /** 60 by default: the metrics' standard resolution. */
  periodSeconds?: number;
}

const DEFAULT_PERIOD_SECONDS = 60;

export interface ConnectionsWindow extends FleetMetricWindow {
  /**
   * `Maximum` by default. Rollback reads v2 by its `Minimum`: a zero then means the last instance on v2
   * is gone, while the peak of the same minute still counts the ones before.
   */
  stat?: 'Maximum' | 'Minimum' | 'Average';
}

export interface ConnectionsReading extends MetricReading {
  cluster: string;
}

export interface ConsumedCapacityReading {
  table: string;
  read: MetricReading;
  write: MetricReading;
  /** True when neither series has a datapoint in the window. */
  missing: boolean;
}

/**
 * DatabaseConnections (AWS/RDS, by DBClusterIdentifier) of each cluster, in one GetMetricData call.
 * `Maximum` per period by default rather than the guide's `Average`: a drain is proven only when even
 * the peak is down, and a single connection to v2 is already traffic.
 */
export async function readDatabaseConnections(
  cloudwatch: CloudWatchClient,
  clusters: string[],
  window: ConnectionsWindow,
): Promise<ConnectionsReading[]> {
  const period = window.periodSeconds ?? DEFAULT_PERIOD_SECONDS;
  const requests: MetricRequest[] = clusters.map((cluster, i) => ({
    id: `connections_${i}`,
    namespace: 'AWS/RDS',
    metricName: 'DatabaseConnections',
    dimensions: { DBClusterIdentifier: cluster },
    stat: window.stat ?? 'Maximum',
    periodSeconds: period,
  }));
  const readings = await readMetrics(cloudwatch, requests, window);
  return readings.map((reading, i) => ({ ...reading, cluster: clusters[i]! }));
}

/**
 * ConsumedReadCapacityUnits and ConsumedWriteCapacityUnits (AWS/DynamoDB, by TableName) of each table,
 * `Sum` per period as in the guide, in one GetMetricData call.
 */
export async function readConsumedCapacity(
  cloudwatch: CloudWatchClient,
  tables: string[],
  window: FleetMetricWindow,
): Promise<ConsumedCapacityReading[]> {
  const period = window.periodSeconds ?? DEFAULT_PERIOD_SECONDS;
  const capacity = (kind: 'read' | 'write', metricName: string) =>
    tables.map((table, i): MetricRequest => ({
      id: `${kind}_${i}`,
      namespace: 'AWS/DynamoDB',
      metricName,
      dimensions: { TableName: table },
      stat: 'Sum',
      periodSeconds: period,
    }));
  const readings = await readMetrics(
    cloudwatch,
    [...capacity('read', 'ConsumedReadCapacityUnits'), ...capacity('write', 'ConsumedWriteCapacityUnits')],
    window,
  );
  return tables.map((table, i) => {
    const read = readings[i]!;
    const write = readings[tables.length + i]!;
    return { table, read, write, missing: read.missing && write.missing };
  });
}
