import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MigrationConfig } from '../config/types.js';
import type { Check } from '../report/report.js';
import { parameterLabel, type ParameterState } from '../resources/app-parameters.js';
import { readConsumedCapacity, readDatabaseConnections } from '../resources/fleet-metrics.js';
import { max } from '../resources/metric-data.js';
import type { V1Inventory } from './inventory.js';

/*
 * Guards 1 and 2: nothing points at v1 any more, and nothing has used it lately. The first reads the
 * parameters the applications read, in every Region; the second reads v1's own metrics, because an
 * application that never read the parameters (a cron job, a person with psql) shows only there.
 */

/**
 * Every parameter, in any Region, whose value names a v1 resource: the v1 secret or table (by name or
 * ARN), or a v1 cluster's endpoint (host, host:port, or a DNS name whose first label is a v1 cluster).
 */
export function parametersNamingV1(
  config: MigrationConfig,
  inventory: V1Inventory,
  parameters: readonly ParameterState[],
): { parameter: ParameterState; names: string }[] {
  const v1Names = new Set(
    [config.v1.secret, config.v1.table, inventory.secret?.arn, inventory.table?.arn]
      .filter((n): n is string => !!n)
      .map((n) => n.toLowerCase()),
  );
  const endpoints = new Set<string>();
  for (const cluster of inventory.clusters) {
    for (const host of cluster.endpoints) {
      endpoints.add(host.toLowerCase());
      if (cluster.port !== undefined) endpoints.add(`${host}:${cluster.port}`.toLowerCase());
    }
  }
  const clusterIds = new Set([config.v1.primaryCluster, config.v1.drCluster].map((c) => c.toLowerCase()));
  const found: { parameter: ParameterState; names: string }[] = [];
  for (const parameter of parameters) {
    if (!parameter.exists) continue;
    const value = parameter.value.trim().toLowerCase();
    if (v1Names.has(value)) {
      found.push({ parameter, names: 'a v1 resource by name' });
      continue;
    }
    const firstLabel = value.split(/[.:]/)[0] ?? '';
    if (endpoints.has(value) || clusterIds.has(firstLabel)) {
      found.push({ parameter, names: 'a v1 cluster endpoint' });
    }
  }
  return found;
}

export function parametersCheck(found: ReturnType<typeof parametersNamingV1>, regions: string[]): Check {
  const base = {
    id: 'parameters-on-v2',
    title: `No application parameter names a v1 resource (${regions.join(', ')})`,
  };
  if (found.length === 0) {
    return { ...base, status: 'pass', detail: 'Every application parameter names v2 or is absent.' };
  }
  // The value itself is never shown: an endpoint parameter is a SecureString.
  const list = found.map((f) => `${parameterLabel(f.parameter)} names ${f.names}`).join('; ');
  return {
    ...base,
    status: 'fail',
    detail: `${list}. Run the cutover (or fix the parameter) first: an application reading it would lose its database.`,
  };
}

export interface IdleReading {
  resource: string;
  region: string;
  kind: 'connections' | 'table-capacity';
  /** Undefined when CloudWatch has no datapoint in the window. */
  peak?: number;
}

/**
 * DatabaseConnections (Maximum) of each v1 cluster still there and the consumed read and write capacity
 * (Sum) of the v1 table in each Region it is in, over the whole window, by the hour.
 */
export async function readV1Usage(
  cloudwatch: (region: string) => CloudWatchClient,
  inventory: V1Inventory,
  window: { start: Date; end: Date },
): Promise<IdleReading[]> {
  const readings: IdleReading[] = [];
  const byRegion = new Map<string, string[]>();
  for (const cluster of inventory.clusters) {
    byRegion.set(cluster.region, [...(byRegion.get(cluster.region) ?? []), cluster.identifier]);
  }
  const tableRegions = inventory.table
    ? [inventory.table.region, ...inventory.table.replicas.map((r) => r.region)]
    : [];
  const regions = new Set([...byRegion.keys(), ...tableRegions]);
  await Promise.all(
    [...regions].map(async (region) => {
      const cw = cloudwatch(region);
      const clusters = byRegion.get(region) ?? [];
      const [connections, capacity] = await Promise.all([
        clusters.length > 0
          ? readDatabaseConnections(cw, clusters, { ...window, periodSeconds: 3600, stat: 'Maximum' })
          : [],
        inventory.table && tableRegions.includes(region)
          ? readConsumedCapacity(cw, [inventory.table.name], { ...window, periodSeconds: 3600 })
          : [],
      ]);
      for (const reading of connections) {
        const peak = reading.missing ? undefined : max(reading);
        readings.push({
          resource: reading.cluster,
          region,
          kind: 'connections',
          ...(peak !== undefined ? { peak } : {}),
        });
      }
      for (const reading of capacity) {
        const peaks = [reading.read, reading.write].filter((r) => !r.missing).map((r) => max(r) ?? 0);
        readings.push({
          resource: reading.table,
          region,
          kind: 'table-capacity',
          ...(reading.missing ? {} : { peak: Math.max(...peaks) }),
        });
      }
    }),
  );
  return readings.sort((a, b) => `${a.region}${a.resource}`.localeCompare(`${b.region}${b.resource}`));
}

export function idleChecks(readings: readonly IdleReading[], hours: number): Check[] {
  return readings.map((r): Check => {
    const what = r.kind === 'connections' ? 'DatabaseConnections' : 'consumed read/write capacity';
    const base = {
      id: 'v1-idle',
      title: `v1 had no ${r.kind === 'connections' ? 'connection' : 'table traffic'} in the last ${hours} h`,
      region: r.region,
      resource: r.resource,
    };
    if (r.peak === undefined) {
      return {
        ...base,
        status: 'fail',
        detail:
          `Cannot prove v1 is idle: CloudWatch has no ${what} datapoint for it in the last ${hours} h. ` +
          `Check that the metric exists (CloudWatch console, ${r.region}) before deleting anything.`,
      };
    }
    if (r.peak > 0) {
      return {
        ...base,
        status: 'fail',
        detail:
          `${what} peaked at ${r.peak} in the last ${hours} h: something still uses v1. Find it ` +
          `(pg_stat_activity on v1, the table's CloudTrail data events) and move it to v2 first.`,
      };
    }
    return { ...base, status: 'pass', detail: `${what} was 0 throughout the last ${hours} h.` };
  });
}
