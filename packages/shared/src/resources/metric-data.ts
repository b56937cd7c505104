import {
  paginateGetMetricData,
  type CloudWatchClient,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';

/*
 * Reading CloudWatch metrics with GetMetricData: many metrics in one call, every page read (results
 * still `PartialData` continue under `NextToken`, aws.md §13), datapoints returned in time order. A
 * metric without datapoints is reported as missing, never as zero: CloudWatch sends nothing for a
 * period in which nothing was published, which proves nothing either way.
 */

/** GetMetricData takes at most 500 metrics a call. */
const MAX_QUERIES_PER_CALL = 500;

export interface MetricRequest {
  /** The query's Id: starts with a lower-case letter; letters, digits and underscores. */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Maximum, Average, Sum, … */
  stat: string;
  periodSeconds: number;
}

export interface MetricPoint {
  /** Start of the period. */
  timestamp: Date;
  value: number;
}

export interface MetricReading {
  request: MetricRequest;
  /** Ascending by timestamp. */
  points: MetricPoint[];
  /** True when the window holds no datapoint: the metric says nothing, which is not zero. */
  missing: boolean;
  /** CloudWatch's StatusCode of the last page (Complete, PartialData, InternalError, Forbidden). */
  statusCode?: string;
}

export interface MetricWindow {
  start: Date;
  end: Date;
}

/** Every requested metric over the window, in the order requested. */
export async function readMetrics(
  cloudwatch: CloudWatchClient,
  requests: MetricRequest[],
  window: MetricWindow,
): Promise<MetricReading[]> {
  const readings: MetricReading[] = [];
  // A window that has not opened yet (a look right at its start) holds nothing; CloudWatch would
  // refuse it (StartTime must be less than EndTime).
  if (window.end.getTime() <= window.start.getTime()) {
    return requests.map((request) => ({ request, points: [], missing: true }));
  }
  for (let from = 0; from < requests.length; from += MAX_QUERIES_PER_CALL) {
    readings.push(
      ...(await readBatch(cloudwatch, requests.slice(from, from + MAX_QUERIES_PER_CALL), window)),
    );
  }
  return readings;
}

async function readBatch(
  cloudwatch: CloudWatchClient,
  requests: MetricRequest[],
  window: MetricWindow,
): Promise<MetricReading[]> {
  const collected = new Map<string, { points: MetricPoint[]; statusCode?: string }>(
    requests.map((request) => [request.id, { points: [] }]),
  );
  const pages = paginateGetMetricData(
    { client: cloudwatch },
    {
      StartTime: window.start,
      EndTime: window.end,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: requests.map(toQuery),
    },
  );
  for await (const page of pages) {
    for (const result of page.MetricDataResults ?? []) {
      const into = result.Id === undefined ? undefined : collected.get(result.Id);
      if (!into) continue;
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      timestamps.forEach((timestamp, i) => {
        const value = values[i];
        if (value !== undefined && Number.isFinite(value)) into.points.push({ timestamp, value });
      });
      if (result.StatusCode !== undefined) into.statusCode = result.StatusCode;
    }
  }
  return requests.map((request) => {
    const { points, statusCode } = collected.get(request.id)!;
    points.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    return { request, points, missing: points.length === 0, ...(statusCode ? { statusCode } : {}) };
  });
}

function toQuery(request: MetricRequest): MetricDataQuery {
  return {
    Id: request.id,
    MetricStat: {
      Metric: {
        Namespace: request.namespace,
        MetricName: request.metricName,
        Dimensions: Object.entries(request.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: request.periodSeconds,
      Stat: request.stat,
    },
    ReturnData: true,
  };
}

/** Anything holding datapoints in ascending time order: a MetricReading, or a bare series. */
export interface Series {
  points: MetricPoint[];
}

/** The most recent datapoint, or undefined when there is none. */
export function latest(series: Series): MetricPoint | undefined {
  return series.points[series.points.length - 1];
}

/** The largest value, or undefined when there is no datapoint. */
export function max(series: Series): number | undefined {
  return series.points.length === 0 ? undefined : Math.max(...series.points.map((point) => point.value));
}

/** The sum of the values (e.g. capacity units over a window), or undefined when there is no datapoint. */
export function total(series: Series): number | undefined {
  return series.points.length === 0 ? undefined : series.points.reduce((sum, point) => sum + point.value, 0);
}

export function hasData(series: Series): boolean {
  return series.points.length > 0;
}
