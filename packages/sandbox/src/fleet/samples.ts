import type { MetricPoint, MetricSeries, RegionState } from '../world/types.js';
import type { World } from '../world/world.js';

/** CloudWatch keeps these samples for the last hour here: long enough for any check the toolkit makes. */
const RETENTION_MS = 60 * 60 * 1000;

interface SampledSeries {
  series: MetricSeries;
  samples: MetricPoint[];
  /** The Region state the series was added to: a cleared world starts the series afresh. */
  state: RegionState;
}

/**
 * Metrics measured from the fleet (DatabaseConnections, consumed capacity): one sample per tick per
 * series, read by GetMetricData like any scripted series. A series is added to its Region's `metrics`
 * once and then grows; a scripted series with the same name and dimensions, added earlier by a
 * scenario, stays the one GetMetricData reads.
 */
export class FleetSamples {
  private readonly byKey = new Map<string, SampledSeries>();

  constructor(private readonly world: World) {}

  record(
    region: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    value: number,
    at: Date,
  ): void {
    const state = this.world.region(region);
    const key = JSON.stringify([region, namespace, metricName, Object.entries(dimensions).sort()]);
    let entry = this.byKey.get(key);
    if (!entry || entry.state !== state) {
      const samples: MetricPoint[] = [];
      entry = {
        samples,
        state,
        series: { region, namespace, metricName, dimensions: { ...dimensions }, points: () => [...samples] },
      };
      this.byKey.set(key, entry);
    }
    if (!state.metrics.includes(entry.series)) state.metrics.push(entry.series);
    entry.samples.push({ timestamp: at, value });
    const oldest = at.getTime() - RETENTION_MS;
    while (entry.samples.length > 0 && entry.samples[0]!.timestamp.getTime() < oldest) entry.samples.shift();
  }

  /** Forget every series (a scenario is being reloaded into a cleared world). */
  clear(): void {
    this.byKey.clear();
  }
}
