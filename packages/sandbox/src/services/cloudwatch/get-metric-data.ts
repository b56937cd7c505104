import type { JsonHandler } from '../../protocols/types.js';
import type { MetricSeries } from '../../world/types.js';
import { invalidNextToken } from './errors.js';
import { parseGetMetricData, type MetricQuery } from './request.js';
import { aggregate, type Datapoints } from './statistics.js';

interface Result extends Datapoints {
  id: string;
  label: string;
}

/**
 * GetMetricData over the scenario's scripted series of the caller's region. A metric the region has
 * no series for gives a result with empty lists, as AWS does for a metric that never reported.
 * More points than `MaxDatapoints` are split across calls with `NextToken` (results still missing
 * points are `PartialData`), so that `paginateGetMetricData` works.
 */
export const getMetricData: JsonHandler = (ctx, input) => {
  const request = parseGetMetricData(input);
  const series = ctx.world.region(ctx.region).metrics;
  const now = ctx.now();

  const results: Result[] = request.queries
    .filter((query) => query.returnData)
    .map((query) => {
      const match = series.find((candidate) => isSeriesOf(candidate, query));
      const data = match ? aggregate(match.points(now), request, query.period, query.stat) : empty();
      if (request.scanBy === 'TimestampDescending') {
        data.timestamps.reverse();
        data.values.reverse();
      }
      return { id: query.id, label: query.label ?? query.metricName, ...data };
    });

  const offset = request.nextToken === undefined ? 0 : decodeToken(request.nextToken);
  let skip = offset;
  let budget = request.maxDatapoints;
  let more = false;
  const page = results.map((result) => {
    const from = Math.min(skip, result.values.length);
    skip -= from;
    const to = Math.min(result.values.length, from + budget);
    budget -= to - from;
    const partial = to < result.values.length;
    more ||= partial;
    return {
      Id: result.id,
      Label: result.label,
      Timestamps: result.timestamps.slice(from, to),
      Values: result.values.slice(from, to),
      StatusCode: partial ? 'PartialData' : 'Complete',
    };
  });
  const returned = request.maxDatapoints - budget;
  return {
    MetricDataResults: page,
    ...(more ? { NextToken: encodeToken(offset + returned) } : {}),
    Messages: [],
  };
};

/** The same namespace and name, and exactly the same dimensions (CloudWatch matches the whole set). */
function isSeriesOf(series: MetricSeries, query: MetricQuery): boolean {
  if (series.namespace !== query.namespace || series.metricName !== query.metricName) return false;
  const wanted = Object.entries(query.dimensions);
  return (
    wanted.length === Object.keys(series.dimensions).length &&
    wanted.every(([name, value]) => series.dimensions[name] === value)
  );
}

function empty(): Datapoints {
  return { timestamps: [], values: [] };
}

const TOKEN_PREFIX = 'points-after:';

function encodeToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = Number(text.slice(TOKEN_PREFIX.length));
  if (!text.startsWith(TOKEN_PREFIX) || !Number.isInteger(offset) || offset < 0) throw invalidNextToken();
  return offset;
}
