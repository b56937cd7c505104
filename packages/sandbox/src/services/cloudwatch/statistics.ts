import type { MetricPoint } from '../../world/types.js';

/**
 * Turns a series' raw points into one value per Period, as CloudWatch does: the window's start is
 * rounded down (to the minute, or to the period for high-resolution periods), buckets follow every
 * Period seconds from there, a point belongs to the bucket it falls in, and a bucket without points
 * yields nothing (no zero, no gap marker).
 */

export interface Datapoints {
  /** Bucket starts, ascending. */
  timestamps: Date[];
  values: number[];
}

export function aggregate(
  points: MetricPoint[],
  window: { start: Date; end: Date },
  period: number,
  stat: string,
): Datapoints {
  const granularityMs = (period >= 60 ? 60 : period) * 1000;
  const periodMs = period * 1000;
  const start = Math.floor(window.start.getTime() / granularityMs) * granularityMs;
  const end = window.end.getTime();

  const buckets = new Map<number, number[]>();
  for (const point of points) {
    const at = point.timestamp.getTime();
    if (at < start || at >= end || !Number.isFinite(point.value)) continue;
    const bucket = start + Math.floor((at - start) / periodMs) * periodMs;
    const values = buckets.get(bucket);
    if (values) values.push(point.value);
    else buckets.set(bucket, [point.value]);
  }

  const starts = [...buckets.keys()].sort((a, b) => a - b);
  return {
    timestamps: starts.map((at) => new Date(at)),
    values: starts.map((at) => statistic(stat, buckets.get(at)!)),
  };
}

/** One statistic of a non-empty set of values; `pNN` is the nearest-rank percentile. */
export function statistic(stat: string, values: number[]): number {
  switch (stat) {
    case 'Average':
      return sum(values) / values.length;
    case 'Sum':
      return sum(values);
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
  }
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (!percentile) throw new Error(`unsupported statistic ${stat}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Number(percentile[1]) / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
