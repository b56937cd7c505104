import type { ErrorLogCount } from '../resources/error-logs.js';
import { latest, total, type MetricPoint } from '../resources/metric-data.js';

/*
 * The bake's verdict after cutover (guide step 3.3, "Monitor v2 Traffic"), from the figures alone so
 * that every rule is tested without AWS. A figure that is missing (no datapoint, no log group) makes
 * its check inconclusive, never healthy: silence from CloudWatch proves nothing about the traffic.
 */

export type BakeStatus = 'pass' | 'fail' | 'inconclusive';
export type BakeVerdict = 'passed' | 'failed' | 'inconclusive';

export type BakeCheckId =
  'v2-connections-rising' | 'v1-connections-draining' | 'v2-table-traffic' | 'error-logs';

export interface BakeCheck {
  id: BakeCheckId;
  title: string;
  status: BakeStatus;
  /** One sentence an SRE can act on, with the figures in it. */
  detail: string;
  /** The figures the check judged, for the ledger and the JSON report; null where there was none. */
  figures: Record<string, number | string | string[] | null>;
}

export interface BakeResult {
  verdict: BakeVerdict;
  checks: BakeCheck[];
}

export interface ConnectionsSeries {
  cluster: string;
  /** Ascending by time. */
  points: MetricPoint[];
}

export interface BakeFigures {
  v2Connections: ConnectionsSeries;
  v1Connections: ConnectionsSeries;
  /** DatabaseConnections just before cutover; undefined where it could not be read. */
  baselines: { v1?: number; v2?: number };
  v2Capacity: { table: string; read: { points: MetricPoint[] }; write: { points: MetricPoint[] } };
  errorLogs: ErrorLogCount;
  /** Error log events allowed in the bake window (input max-error-logs). */
  maxErrorLogs: number;
  /** The filter pattern the logs were counted with, for the detail text. */
  errorPattern?: string;
}

export function bakeVerdict(figures: BakeFigures): BakeResult {
  const checks = [
    v2ConnectionsRising(figures),
    v1ConnectionsDraining(figures),
    v2TableTraffic(figures),
    errorLogsCheck(figures),
  ];
  const verdict: BakeVerdict = checks.some((c) => c.status === 'fail')
    ? 'failed'
    : checks.some((c) => c.status === 'inconclusive')
      ? 'inconclusive'
      : 'passed';
  return { verdict, checks };
}

function connections(n: number): string {
  return `${n} connection${n === 1 ? '' : 's'}`;
}

function before(baseline: number | undefined): string {
  return baseline === undefined ? 'before cutover: not measured' : `before cutover: ${baseline}`;
}

/** v2 takes traffic: its latest datapoint is above zero and above what it had before cutover. */
function v2ConnectionsRising({ v2Connections, baselines }: BakeFigures): BakeCheck {
  const { cluster } = v2Connections;
  const point = latest(v2Connections);
  const base = { id: 'v2-connections-rising' as const, title: 'v2 database receiving connections' };
  const figures = {
    cluster,
    latest: point?.value ?? null,
    latestAt: point?.timestamp.toISOString() ?? null,
    baseline: baselines.v2 ?? null,
  };
  if (!point) {
    return {
      ...base,
      status: 'inconclusive',
      detail: `v2 ${cluster}: no DatabaseConnections datapoint in the bake window (${before(baselines.v2)}); CloudWatch's silence is not traffic.`,
      figures,
    };
  }
  const summary = `v2 ${cluster}: ${connections(point.value)} (${before(baselines.v2)})`;
  if (point.value <= 0) {
    return {
      ...base,
      status: 'fail',
      detail: `${summary}: the application is not connecting to v2.`,
      figures,
    };
  }
  if (baselines.v2 !== undefined && point.value <= baselines.v2) {
    return {
      ...base,
      status: 'fail',
      detail: `${summary}: no more connections than before cutover.`,
      figures,
    };
  }
  return { ...base, status: 'pass', detail: `${summary}.`, figures };
}

/** v1 is being left: its latest datapoint is zero, or below what it had before cutover. */
function v1ConnectionsDraining({ v1Connections, baselines }: BakeFigures): BakeCheck {
  const { cluster } = v1Connections;
  const point = latest(v1Connections);
  const base = { id: 'v1-connections-draining' as const, title: 'v1 database draining' };
  const figures = {
    cluster,
    latest: point?.value ?? null,
    latestAt: point?.timestamp.toISOString() ?? null,
    baseline: baselines.v1 ?? null,
  };
  if (!point) {
    return {
      ...base,
      status: 'inconclusive',
      detail: `v1 ${cluster}: no DatabaseConnections datapoint in the bake window (${before(baselines.v1)}); a drain cannot be shown.`,
      figures,
    };
  }
  const summary = `v1 ${cluster}: ${connections(point.value)} (${before(baselines.v1)})`;
  if (point.value === 0 || (baselines.v1 !== undefined && point.value < baselines.v1)) {
    return { ...base, status: 'pass', detail: `${summary}.`, figures };
  }
  if (baselines.v1 === undefined) {
    return {
      ...base,
      status: 'inconclusive',
      detail: `${summary}: still connected, and without a figure from before cutover a drain cannot be shown.`,
      figures,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: `${summary}: not fewer than before cutover, so the application is still on v1.`,
    figures,
  };
}

/** The v2 table is used: consumed read plus write capacity above zero over the window. */
function v2TableTraffic({ v2Capacity }: BakeFigures): BakeCheck {
  const { table } = v2Capacity;
  const read = total(v2Capacity.read);
  const write = total(v2Capacity.write);
  const base = { id: 'v2-table-traffic' as const, title: 'v2 table consuming capacity' };
  const figures = { table, readUnits: read ?? null, writeUnits: write ?? null };
  const shown = (units: number | undefined) =>
    units === undefined ? 'no datapoint' : `${round(units)} unit${units === 1 ? '' : 's'}`;
  const summary = `v2 ${table}: consumed read ${shown(read)}, write ${shown(write)} in the bake window`;
  if ((read ?? 0) + (write ?? 0) > 0) return { ...base, status: 'pass', detail: `${summary}.`, figures };
  if (read === undefined || write === undefined) {
    return {
      ...base,
      status: 'inconclusive',
      detail: `${summary}: without datapoints the table's traffic cannot be shown.`,
      figures,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: `${summary}: the application is not using the v2 table.`,
    figures,
  };
}

/** The application's error logs in the window stay within the threshold. */
function errorLogsCheck({ errorLogs, maxErrorLogs, errorPattern }: BakeFigures): BakeCheck {
  const base = { id: 'error-logs' as const, title: `Application error logs at most ${maxErrorLogs}` };
  const pattern = errorPattern ?? 'ERROR';
  if (!errorLogs.groupExists) {
    return {
      ...base,
      status: 'inconclusive',
      detail: `log group ${errorLogs.logGroup} does not exist, so the application's errors cannot be counted.`,
      figures: { logGroup: errorLogs.logGroup, count: null, threshold: maxErrorLogs },
    };
  }
  const { logGroup, count, samples } = errorLogs;
  const figures = { logGroup, count, threshold: maxErrorLogs, samples };
  const summary = `${count} event${count === 1 ? '' : 's'} matching "${pattern}" in ${logGroup} (at most ${maxErrorLogs} allowed)`;
  if (count > maxErrorLogs) {
    const first = samples[0] === undefined ? '' : `; first: ${samples[0]}`;
    return { ...base, status: 'fail', detail: `${summary}${first}.`, figures };
  }
  return { ...base, status: 'pass', detail: `${summary}.`, figures };
}

function round(units: number): string {
  return Number.isInteger(units) ? String(units) : units.toFixed(1);
}
