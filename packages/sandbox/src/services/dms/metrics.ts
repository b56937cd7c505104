import type { DmsReplicationTask } from '../../world/types.js';
import type { FleetSamples } from '../../fleet/samples.js';
import { withEndpoint, type EndpointCredentials } from './credentials.js';

export const DMS_NAMESPACE = 'AWS/DMS';

/**
 * One CDC latency sample of a running task, from the source's pg_stat_replication row of the
 * subscription's walsender: CDCLatencySource is how far the capture lags the source (write_lag),
 * CDCLatencyTarget how far the target's commits lag it (replay_lag); both are 0 while idle (NULL lags).
 */
export async function recordCdcLatency(
  samples: FleetSamples,
  task: DmsReplicationTask,
  instanceIdentifier: string,
  source: EndpointCredentials,
  subscription: string,
  at: Date,
): Promise<void> {
  const { rows } = await withEndpoint(source, (client) =>
    client.query<{ source: number | null; target: number | null }>(
      `SELECT EXTRACT(EPOCH FROM write_lag)::float8 AS source, EXTRACT(EPOCH FROM replay_lag)::float8 AS target
         FROM pg_stat_replication WHERE application_name = $1 LIMIT 1`,
      [subscription],
    ),
  );
  const lag = rows[0];
  const dimensions = {
    ReplicationInstanceIdentifier: instanceIdentifier,
    ReplicationTaskIdentifier: task.identifier,
  };
  samples.record(task.region, DMS_NAMESPACE, 'CDCLatencySource', dimensions, lag?.source ?? 0, at);
  samples.record(task.region, DMS_NAMESPACE, 'CDCLatencyTarget', dimensions, lag?.target ?? 0, at);
}
