import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Sandbox, sandboxClient, type MetricSeries } from '@dbmig/sandbox';
import { readConsumedCapacity, readDatabaseConnections } from './fleet-metrics.js';
import { hasData, latest, max, total } from './metric-data.js';

const REGION = 'us-east-1';
const T0 = Date.parse('2026-05-06T07:00:00.000Z');
const MINUTE = 60_000;
const WINDOW = { start: new Date(T0), end: new Date(T0 + 10 * MINUTE) };

let sandbox: Sandbox;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  cloudwatch = sandboxClient(CloudWatchClient, sandbox, REGION);
});

afterAll(async () => {
  cloudwatch.destroy();
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.world.clear();
  sandbox.requests.length = 0;
});

/** A scripted series with one value per entry of `values`, one a minute from `from`. */
function series(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  values: number[],
  from = T0,
): MetricSeries {
  return {
    region: REGION,
    namespace,
    metricName,
    dimensions,
    points: () => values.map((value, i) => ({ timestamp: new Date(from + i * MINUTE), value })),
  };
}

function connections(cluster: string, values: number[], from = T0): MetricSeries {
  return series('AWS/RDS', 'DatabaseConnections', { DBClusterIdentifier: cluster }, values, from);
}

describe('readDatabaseConnections', () => {
  test('reads each cluster in ascending time order, in one call, and says which have no data', async () => {
    sandbox.world
      .region(REGION)
      .metrics.push(
        connections('primary-db-cluster-v2-dev', [0, 2, 5, 8]),
        connections('primary-db-cluster-v1-dev', [9, 6, 1, 0]),
      );
    const [v2, v1, none] = await readDatabaseConnections(
      cloudwatch,
      ['primary-db-cluster-v2-dev', 'primary-db-cluster-v1-dev', 'primary-db-cluster-v3-dev'],
      WINDOW,
    );
    expect(v2).toMatchObject({ cluster: 'primary-db-cluster-v2-dev', missing: false });
    expect(v2!.points).toEqual(
      [0, 2, 5, 8].map((value, i) => ({ timestamp: new Date(T0 + i * MINUTE), value })),
    );
    expect(latest(v2!)).toEqual({ timestamp: new Date(T0 + 3 * MINUTE), value: 8 });
    expect(max(v1!)).toBe(9);
    expect(latest(v1!)?.value).toBe(0);
    expect(none).toMatchObject({ cluster: 'primary-db-cluster-v3-dev', missing: true, points: [] });
    expect(hasData(none!)).toBe(false);
    expect(latest(none!)).toBeUndefined();
    expect(max(none!)).toBeUndefined();

    const calls = sandbox.calls('monitoring');
    expect(calls).toHaveLength(1);
  });

  test('the statistic is the maximum of each period unless another is asked for', async () => {
    // Two points in the first five-minute period: 3 and 7; the reading keeps the larger.
    sandbox.world.region(REGION).metrics.push({
      ...connections('c', []),
      points: () => [
        { timestamp: new Date(T0), value: 3 },
        { timestamp: new Date(T0 + MINUTE), value: 7 },
      ],
    });
    const [peak] = await readDatabaseConnections(cloudwatch, ['c'], { ...WINDOW, periodSeconds: 300 });
    expect(peak!.points).toEqual([{ timestamp: new Date(T0), value: 7 }]);
    const [lowest] = await readDatabaseConnections(cloudwatch, ['c'], {
      ...WINDOW,
      periodSeconds: 300,
      stat: 'Minimum',
    });
    expect(lowest!.points).toEqual([{ timestamp: new Date(T0), value: 3 }]);
  });

  test('a read larger than one GetMetricData page is assembled from every page', async () => {
    // 71 clusters x 1,440 minutes = 102,240 datapoints, more than the 100,800 one call returns.
    const clusters = Array.from({ length: 71 }, (_, i) => `cluster-${i}`);
    const day = Array.from({ length: 1440 }, (_, minute) => minute % 10);
    sandbox.world.region(REGION).metrics.push(...clusters.map((cluster) => connections(cluster, day)));
    const readings = await readDatabaseConnections(cloudwatch, clusters, {
      start: new Date(T0),
      end: new Date(T0 + 1440 * MINUTE),
    });
    expect(sandbox.calls('monitoring').length).toBeGreaterThan(1);
    expect(readings.map((r) => r.points.length)).toEqual(clusters.map(() => 1440));
    expect(readings[70]!.points.map((p) => p.value)).toEqual(day);
  });
});

describe('readConsumedCapacity', () => {
  test('reads and writes of each table, summed per period', async () => {
    const table = { TableName: 'session-table-v2-dev' };
    sandbox.world
      .region(REGION)
      .metrics.push(
        series('AWS/DynamoDB', 'ConsumedReadCapacityUnits', table, [4, 6]),
        series('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', table, [1]),
      );
    const [v2, v1] = await readConsumedCapacity(
      cloudwatch,
      ['session-table-v2-dev', 'session-table-v1-dev'],
      WINDOW,
    );
    expect(v2).toMatchObject({ table: 'session-table-v2-dev', missing: false });
    expect(total(v2!.read)).toBe(10);
    expect(total(v2!.write)).toBe(1);
    expect(v2!.read.request).toMatchObject({
      metricName: 'ConsumedReadCapacityUnits',
      stat: 'Sum',
      periodSeconds: 60,
    });
    expect(v1).toMatchObject({ table: 'session-table-v1-dev', missing: true });
    expect(total(v1!.read)).toBeUndefined();
    expect(sandbox.calls('monitoring')).toHaveLength(1);
  });
});
