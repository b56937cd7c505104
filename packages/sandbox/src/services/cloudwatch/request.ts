import { invalidParameterValue, missingParameter } from './errors.js';

/**
 * GetMetricData's request, read from the JSON the SDK sends (timestamps as epoch seconds, see
 * ../shared/reference/aws.md §2) and checked the way CloudWatch checks it, so that a caller that
 * builds a bad request learns it from the sandbox rather than from AWS.
 */

export type ScanBy = 'TimestampAscending' | 'TimestampDescending';

export interface MetricQuery {
  id: string;
  label?: string;
  returnData: boolean;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  period: number;
  stat: string;
}

export interface MetricDataRequest {
  queries: MetricQuery[];
  start: Date;
  end: Date;
  scanBy: ScanBy;
  maxDatapoints: number;
  nextToken?: string;
}

const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;
const MAX_DIMENSIONS = 30;
const STAT = /^(Average|Maximum|Minimum|Sum|SampleCount|p(\d{1,2}(\.\d+)?|100))$/;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const UNITS = new Set(
  [
    'Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits',
    'Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second',
    'Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second',
    'Count/Second None',
  ]
    .join(' ')
    .split(' '),
);

export function parseGetMetricData(input: Record<string, unknown>): MetricDataRequest {
  const rawQueries = input['MetricDataQueries'];
  if (rawQueries === undefined || rawQueries === null) throw missingParameter('MetricDataQueries');
  if (!Array.isArray(rawQueries)) throw invalidParameterValue('MetricDataQueries must be a list.');
  if (rawQueries.length === 0) {
    throw invalidParameterValue('The collection MetricDataQueries must contain at least one query.');
  }
  if (rawQueries.length > MAX_QUERIES) {
    throw invalidParameterValue(
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
    );
  }
  const queries = rawQueries.map((raw, index) => parseQuery(raw, `MetricDataQueries.member.${index + 1}`));
  const ids = new Set<string>();
  for (const query of queries) {
    if (ids.has(query.id)) throw invalidParameterValue(`The value ${query.id} for the Id is not unique.`);
    ids.add(query.id);
  }

  const start = readTime(input['StartTime'], 'StartTime');
  const end = readTime(input['EndTime'], 'EndTime');
  if (end.getTime() <= start.getTime()) {
    throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  }

  const scanBy = input['ScanBy'] ?? 'TimestampDescending';
  if (scanBy !== 'TimestampAscending' && scanBy !== 'TimestampDescending') {
    throw invalidParameterValue(`The value ${String(scanBy)} for parameter ScanBy is invalid.`);
  }

  const maxDatapoints = input['MaxDatapoints'] ?? MAX_DATAPOINTS;
  if (typeof maxDatapoints !== 'number' || !Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
    throw invalidParameterValue(`The value ${String(maxDatapoints)} for parameter MaxDatapoints is invalid.`);
  }

  const nextToken = input['NextToken'];
  return {
    queries,
    start,
    end,
    scanBy,
    maxDatapoints,
    ...(typeof nextToken === 'string' && nextToken !== '' ? { nextToken } : {}),
  };
}

function parseQuery(raw: unknown, path: string): MetricQuery {
  const query = asObject(raw, path);
  const id = query['Id'];
  if (typeof id !== 'string' || id === '') throw missingParameter(`${path}.Id`);
  if (!QUERY_ID.test(id)) {
    throw invalidParameterValue(
      `The value ${id} for parameter ${path}.Id is invalid: it must start with a lower-case letter and contain only letters, digits and underscores.`,
    );
  }
  if (query['Expression'] !== undefined) {
    // Metric math is not evaluated here; refusing it is better than answering with made-up data.
    throw invalidParameterValue(
      `${path}.Expression: metric math expressions are not supported by the sandbox.`,
    );
  }
  if (query['MetricStat'] === undefined) throw missingParameter(`${path}.MetricStat`);
  const stat = asObject(query['MetricStat'], `${path}.MetricStat`);
  const metric = asObject(stat['Metric'], `${path}.MetricStat.Metric`);

  const namespace = metric['Namespace'];
  const metricName = metric['MetricName'];
  if (typeof namespace !== 'string' || namespace === '')
    throw missingParameter(`${path}.MetricStat.Metric.Namespace`);
  if (typeof metricName !== 'string' || metricName === '') {
    throw missingParameter(`${path}.MetricStat.Metric.MetricName`);
  }

  const period = stat['Period'];
  if (period === undefined) throw missingParameter(`${path}.MetricStat.Period`);
  if (!validPeriod(period)) {
    throw invalidParameterValue(
      `The value ${String(period)} for parameter ${path}.MetricStat.Period is invalid: it must be 1, 5, 10, 20, 30 or a multiple of 60.`,
    );
  }

  const statistic = stat['Stat'];
  if (statistic === undefined) throw missingParameter(`${path}.MetricStat.Stat`);
  if (typeof statistic !== 'string' || !STAT.test(statistic)) {
    throw invalidParameterValue(
      `The value ${String(statistic)} for parameter ${path}.MetricStat.Stat is invalid.`,
    );
  }

  const unit = stat['Unit'];
  if (unit !== undefined && (typeof unit !== 'string' || !UNITS.has(unit))) {
    throw invalidParameterValue(
      `The value ${String(unit)} for parameter ${path}.MetricStat.Unit is invalid.`,
    );
  }

  const label = query['Label'];
  return {
    id,
    ...(typeof label === 'string' && label !== '' ? { label } : {}),
    returnData: query['ReturnData'] !== false,
    namespace,
    metricName,
    dimensions: parseDimensions(metric['Dimensions'], `${path}.MetricStat.Metric.Dimensions`),
    period,
    stat: statistic,
  };
}

function parseDimensions(raw: unknown, path: string): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!Array.isArray(raw)) throw invalidParameterValue(`${path} must be a list.`);
  if (raw.length > MAX_DIMENSIONS) {
    throw invalidParameterValue(
      `The collection ${path} must not have a size greater than ${MAX_DIMENSIONS}.`,
    );
  }
  const dimensions: Record<string, string> = {};
  raw.forEach((item, index) => {
    const dimension = asObject(item, `${path}.member.${index + 1}`);
    const name = dimension['Name'];
    const value = dimension['Value'];
    if (typeof name !== 'string' || name === '') throw missingParameter(`${path}.member.${index + 1}.Name`);
    if (typeof value !== 'string') throw missingParameter(`${path}.member.${index + 1}.Value`);
    if (name in dimensions) throw invalidParameterValue(`${path}: the dimension ${name} is given twice.`);
    dimensions[name] = value;
  });
  return dimensions;
}

/** High-resolution periods (1, 5, 10, 20, 30 s) or whole minutes. */
function validPeriod(period: unknown): period is number {
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) return false;
  return period % 60 === 0 || [1, 5, 10, 20, 30].includes(period);
}

/** Epoch seconds (what the SDK sends) or, from other tools, an ISO-8601 string. */
function readTime(raw: unknown, name: string): Date {
  if (raw === undefined || raw === null) throw missingParameter(name);
  const ms =
    typeof raw === 'number'
      ? raw * 1000
      : typeof raw === 'string'
        ? /^\d+(\.\d+)?$/.test(raw)
          ? Number(raw) * 1000
          : Date.parse(raw)
        : NaN;
  if (!Number.isFinite(ms))
    throw invalidParameterValue(`The value ${String(raw)} for parameter ${name} is invalid.`);
  return new Date(ms);
}

function asObject(raw: unknown, path: string): Record<string, unknown> {
  if (raw === undefined || raw === null) throw missingParameter(path);
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalidParameterValue(`${path} must be a structure.`);
  return raw as Record<string, unknown>;
}
