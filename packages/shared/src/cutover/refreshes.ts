import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { cancelRefresh, startRefresh, waitForRefreshes } from '../resources/instance-refresh.js';
import type { RefreshSettings } from './plan.js';

/** Both application groups, as the guide's step 3.2 names them, with the Region of each. */
export function applicationGroups(config: MigrationConfig): Array<{ group: string; region: string }> {
  return [
    { group: config.autoScalingGroups.primary, region: config.regions.primary },
    { group: config.autoScalingGroups.dr, region: config.regions.dr },
  ];
}

export interface RefreshOutcome {
  refreshes: Array<{ group: string; region: string; id: string }>;
  requestIds: string[];
  /** When the last of them finished (AWS's clock): the start of the window traffic is judged in. */
  finishedAt: Date;
}

/**
 * Step 3.2 for both Regions at once (the guide starts two and watches one): both refreshes started
 * together, then both watched to the end with their progress. Throws when either ends other than
 * Successful or the time runs out, after both have been seen to their end.
 */
export async function refreshBothGroups(
  config: MigrationConfig,
  clients: AwsClients,
  settings: RefreshSettings,
  timeoutMs: number,
  log: (line: string) => void,
  onStarted?: (refreshes: RefreshOutcome['refreshes'], requestIds: string[]) => Promise<void>,
): Promise<RefreshOutcome> {
  const groups = applicationGroups(config);
  const started = await Promise.all(
    groups.map(async ({ group, region }) => {
      const out = await startRefresh(clients.autoScaling(region), group, settings);
      log(`Instance refresh ${out.id} of ${group} (${region}) started.`);
      return { group, region, id: out.id, requestId: out.requestId };
    }),
  );
  const refreshes = started.map(({ group, region, id }) => ({ group, region, id }));
  const requestIds = started.flatMap((s) => (s.requestId ? [s.requestId] : []));
  await onStarted?.(refreshes, requestIds);
  await waitForRefreshes(
    started.map(({ group, region, id }) => ({ client: clients.autoScaling(region), group, region, id })),
    { timeoutMs, onProgress: log },
  );
  // AWS's clock, not the runner's: the window is compared with CloudWatch's timestamps.
  return { refreshes, requestIds, finishedAt: clients.awsNow() };
}

/** Cancels whatever refresh is running on either group (a cutover's, cut short) and waits until it stops. */
export async function cancelActiveRefreshes(
  config: MigrationConfig,
  clients: AwsClients,
  log: (line: string) => void,
): Promise<string[]> {
  const cancelled = await Promise.all(
    applicationGroups(config).map(async ({ group, region }) => {
      const id = await cancelRefresh(clients.autoScaling(region), group);
      if (id) log(`Cancelled the instance refresh ${id} of ${group} (${region}) that was still running.`);
      return id;
    }),
  );
  return cancelled.filter((id): id is string => id !== undefined);
}
