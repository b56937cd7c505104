import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { VerdictError } from '../errors/index.js';
import { latest } from '../resources/metric-data.js';
import { readDatabaseConnections } from '../resources/fleet-metrics.js';

/** Between two looks at the connections: CloudWatch's figures move once a minute in AWS. */
const POLL_MS = { first: 2_000, max: 15_000 };

/** What CloudWatch showed when traffic was judged back on v1 (or when the time ran out). */
export interface TrafficProof {
  returned: boolean;
  /** v1's peak connections in the latest period. */
  v1Connections?: number;
  /** v2's lowest connections in the latest period: 0 once the last instance on v2 is gone. */
  v2Connections?: number;
  detail: string;
}

/**
 * Proof that the application is back on v1, from CloudWatch: v1's DatabaseConnections back above zero
 * and v2's down to zero, looked at from the end of the refreshes until it holds or the window closes.
 * v2 is judged by the lowest value of the latest period: after a refresh no instance on v2 is left, so
 * a zero there means the last one is gone, while its peak still counts the minutes before.
 */
export async function confirmTrafficReturned(
  cloudwatch: CloudWatchClient,
  options: {
    clusters: { v1: string; v2: string };
    since: Date;
    /** AWS's time now (AwsClients.awsNow): CloudWatch's timestamps are AWS's, not the runner's. */
    now: () => Date;
    timeoutMs: number;
    log(line: string): void;
  },
): Promise<TrafficProof> {
  const deadline = Date.now() + options.timeoutMs;
  let delay = POLL_MS.first;
  let proof: TrafficProof;
  for (;;) {
    const window = { start: options.since, end: options.now() };
    const [v1, v2] = await Promise.all([
      readDatabaseConnections(cloudwatch, [options.clusters.v1], { ...window, stat: 'Maximum' }),
      readDatabaseConnections(cloudwatch, [options.clusters.v2], { ...window, stat: 'Minimum' }),
    ]);
    const v1Now = latest(v1[0]!)?.value;
    const v2Now = latest(v2[0]!)?.value;
    const returned = v1Now !== undefined && v1Now > 0 && v2Now === 0;
    const shown = (n: number | undefined) => (n === undefined ? 'no datapoint' : String(n));
    proof = {
      returned,
      ...(v1Now !== undefined ? { v1Connections: v1Now } : {}),
      ...(v2Now !== undefined ? { v2Connections: v2Now } : {}),
      detail:
        `DatabaseConnections: v1 ${options.clusters.v1} ${shown(v1Now)} (peak of the latest minute), ` +
        `v2 ${options.clusters.v2} ${shown(v2Now)} (lowest of the latest minute)`,
    };
    if (returned) {
      options.log(`Traffic is back on v1: ${proof.detail}.`);
      return proof;
    }
    if (Date.now() + delay > deadline) break;
    options.log(`Waiting for traffic to return to v1: ${proof.detail}.`);
    await sleep(delay);
    delay = Math.min(POLL_MS.max, delay * 2);
  }
  throw new VerdictError(
    `The parameters are restored and both fleets refreshed, but traffic has not been seen back on v1 within ` +
      `${Math.round(options.timeoutMs / 1000)} s (traffic-timeout-minutes): ${proof.detail}. Check the application's ` +
      'instances and the metrics; run the rollback again once they settle (it is safe to re-run).',
  );
}
