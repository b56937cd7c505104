import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  waitUntilDBClusterSnapshotAvailable,
  type DBClusterSnapshot,
  type DescribeDBClusterSnapshotsCommandOutput,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { classifyAwsError, VerdictError } from '../errors/index.js';
import type { BackupTag } from './backup-names.js';
import { observing, waiterConfig } from './wait-for.js';

export interface ClusterSnapshotOptions {
  clusterIdentifier: string;
  snapshotIdentifier: string;
  tags: BackupTag[];
  /** How long to wait for `available` before failing. */
  maxWaitSeconds: number;
  log: (line: string) => void;
  /** Delays between polls, seconds (SDK waiter backoff with jitter); defaults 2 and 30. */
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  /**
   * What not having the snapshot means, for the failure messages; by default Phase 2's (no data is
   * copied without a backup of v1).
   */
  consequence?: { timeout: string; failed: string };
}

const PHASE_2_CONSEQUENCE = {
  timeout: 'Phase 2 does not copy data without a finished backup of v1.',
  failed: 'v1 has no pre-migration backup, so no data was copied.',
};

export interface ClusterSnapshotResult {
  identifier: string;
  arn: string;
  /** `available`: anything else throws. */
  status: string;
  clusterIdentifier: string;
  createdAt: Date;
  /** True when the snapshot was made by an earlier try of the same run attempt and adopted. */
  adopted: boolean;
}

/**
 * Step 2.1's snapshot of a cluster, awaited: creates it (tagged) or, when the identifier already exists
 * because this run attempt is being re-run, adopts it after checking it is a snapshot of the same
 * cluster; then waits with `waitUntilDBClusterSnapshotAvailable`, logging its progress, and throws a
 * VerdictError naming the snapshot when it fails or does not finish in time.
 */
export async function createClusterSnapshot(
  rds: RDSClient,
  options: ClusterSnapshotOptions,
): Promise<ClusterSnapshotResult> {
  const { clusterIdentifier, log } = options;
  const region = await rds.config.region();
  const created = await createOrAdopt(rds, options, region);
  const identifier = created.snapshot.DBClusterSnapshotIdentifier ?? options.snapshotIdentifier;
  const what = `Cluster snapshot ${identifier} of ${clusterIdentifier} (${region})`;
  log(
    created.adopted
      ? `${what} exists already (an earlier try of this run attempt made it): adopting it, ${describe(created.snapshot)}.`
      : `${what} requested: ${describe(created.snapshot)}.`,
  );

  let last: DBClusterSnapshot | undefined = created.snapshot;
  let lastLogged = describe(created.snapshot);
  const observe = (out: DescribeDBClusterSnapshotsCommandOutput) => {
    last = out.DBClusterSnapshots?.[0] ?? last;
    const now = describe(last);
    if (now !== lastLogged) log(`${what}: ${now}.`);
    lastLogged = now;
  };
  const consequence = options.consequence ?? PHASE_2_CONSEQUENCE;
  try {
    await waitUntilDBClusterSnapshotAvailable(
      waiterConfig(observing(rds, observe), options, { minDelaySeconds: 2, maxDelaySeconds: 30 }),
      { DBClusterSnapshotIdentifier: identifier },
    );
  } catch (error) {
    const status = last?.Status ?? 'unknown';
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new VerdictError(
        `${what} is not available after ${options.maxWaitSeconds} s (${describe(last)}). RDS may still finish ` +
          `it: re-run this job's attempt to wait for the same snapshot again, or look at the cluster's events ` +
          `in the RDS console. ${consequence.timeout}`,
      );
    }
    throw new VerdictError(
      `${what} ended ${status}, not available: ${consequence.failed} ` +
        `Look at the cluster's events in the RDS console (${region}), then start a new attempt of the ` +
        `job ("Re-run jobs"), which takes a snapshot under a new identifier.`,
    );
  }
  const final: DBClusterSnapshot = last ?? created.snapshot;
  return {
    identifier,
    arn: final.DBClusterSnapshotArn ?? '',
    status: final.Status ?? 'available',
    clusterIdentifier: final.DBClusterIdentifier ?? clusterIdentifier,
    createdAt: final.SnapshotCreateTime ?? new Date(),
    adopted: created.adopted,
  };
}

async function createOrAdopt(
  rds: RDSClient,
  options: ClusterSnapshotOptions,
  region: string,
): Promise<{ snapshot: DBClusterSnapshot; adopted: boolean }> {
  const { clusterIdentifier, snapshotIdentifier } = options;
  try {
    const out = await rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: clusterIdentifier,
        DBClusterSnapshotIdentifier: snapshotIdentifier,
        Tags: options.tags,
      }),
    );
    return {
      snapshot: out.DBClusterSnapshot ?? { DBClusterSnapshotIdentifier: snapshotIdentifier },
      adopted: false,
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'DBClusterSnapshotAlreadyExistsFault') {
      const out = await rds.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotIdentifier }),
      );
      const existing = out.DBClusterSnapshots?.[0];
      const owner = existing?.DBClusterIdentifier ?? 'an unknown cluster';
      if (!existing || owner.toLowerCase() !== clusterIdentifier.toLowerCase()) {
        throw new VerdictError(
          `Cluster snapshot ${snapshotIdentifier} already exists in ${region}, but it is a snapshot of ${owner}, ` +
            `not of ${clusterIdentifier}: it is not this step's backup and was left alone. Check the cluster ` +
            `names in the config file, or start a new attempt of the job, which uses a new identifier.`,
        );
      }
      return { snapshot: existing, adopted: true };
    }
    if (classifyAwsError(error) === 'not-found') {
      throw new VerdictError(
        `Cluster ${clusterIdentifier} was not found in ${region}, so it cannot be backed up. Check the v1 ` +
          `primary cluster's name (config file, key v1.primary-cluster) and the primary region.`,
      );
    }
    if (classifyAwsError(error) === 'invalid-state') {
      throw new VerdictError(
        `Cluster ${clusterIdentifier} (${region}) cannot be snapshotted now (${messageOf(error)}). Wait until ` +
          `it is available, then re-run the step.`,
      );
    }
    throw error;
  }
}

/** `creating, 40 %` / `available`. */
function describe(snapshot: DBClusterSnapshot | undefined): string {
  if (!snapshot) return 'status unknown';
  const status = snapshot.Status ?? 'status unknown';
  return status === 'creating' && snapshot.PercentProgress !== undefined
    ? `${status}, ${snapshot.PercentProgress} %`
    : status;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
