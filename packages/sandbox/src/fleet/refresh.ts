import { randomBytes } from 'node:crypto';
import type { AutoScalingGroup, InstanceRefresh } from '../world/types.js';
import type { FleetInstance } from './instance.js';

/** What a refresh needs of the fleet that carries it out. */
export interface RefreshHost {
  /** The group's running instances, oldest first. */
  instancesOf(group: AutoScalingGroup): FleetInstance[];
  /** Launches one instance in the group (it reads the parameters now); resolves once it has connected or failed. */
  launch(group: AutoScalingGroup): Promise<FleetInstance>;
  terminate(instance: FleetInstance): Promise<void>;
  /** Waits `ms` of real time; rejects when the fleet stops or is reset. */
  sleep(ms: number): Promise<void>;
  now(): Date;
  batchMs(): number;
}

/**
 * Instances replaced at a time: as many as may be out of service while MinHealthyPercentage of the
 * desired capacity stays healthy, and at least one.
 */
export function batchSize(group: AutoScalingGroup, refresh: InstanceRefresh): number {
  const outOfService = (group.desiredCapacity * (100 - refresh.preferences.minHealthyPercentage)) / 100;
  return Math.max(1, Math.floor(outOfService));
}

/**
 * Carries out one refresh: InProgress, then batch after batch, each taking `batchMs`: new instances
 * first (they read the parameters as they start), then the old ones they replace are terminated.
 * Successful once all are replaced. A group that `failsRefresh` stops halfway: Failed, naming a new
 * instance that did not pass its health checks, with the half-replaced fleet left as it is. A refresh
 * that is cancelled (Cancelling, made Cancelled by the fleet's tick) replaces nothing more.
 *
 * SkipMatching with nothing to match against (the sandbox's groups have no launch template to change)
 * replaces nothing and succeeds at once, as AWS does for instances that already match.
 */
export async function runRefresh(
  host: RefreshHost,
  group: AutoScalingGroup,
  refresh: InstanceRefresh,
): Promise<void> {
  refresh.status = 'InProgress';
  const old = host.instancesOf(group);
  const total = refresh.preferences.skipMatching ? 0 : old.length;
  refresh.instancesToUpdate = total;
  const failAt = group.failsRefresh ? Math.floor(total / 2) : undefined;
  const batch = batchSize(group, refresh);
  let replaced = 0;
  while (replaced < total) {
    await host.sleep(host.batchMs());
    if (refresh.status !== 'InProgress') return;
    if (failAt !== undefined && replaced >= failAt) {
      end(
        host,
        refresh,
        'Failed',
        `Instance i-0${randomBytes(8).toString('hex')} failed to pass health checks within the ` +
          'instance warmup period. The instance refresh was stopped; instances already replaced keep ' +
          'running.',
      );
      return;
    }
    const outgoing = old.slice(replaced, replaced + Math.min(batch, total - replaced));
    await Promise.all(outgoing.map(() => host.launch(group)));
    // The batch's old instances go even if the refresh was cancelled meanwhile: the group stays at its
    // desired capacity.
    await Promise.all(outgoing.map((instance) => host.terminate(instance)));
    replaced += outgoing.length;
    if (refresh.status !== 'InProgress') return;
    refresh.percentageComplete = Math.floor((replaced / total) * 100);
    refresh.instancesToUpdate = total - replaced;
  }
  if (refresh.status === 'InProgress') end(host, refresh, 'Successful');
}

/** Cancelling becomes Cancelled (the fleet's tick calls this). */
export function finishCancel(host: Pick<RefreshHost, 'now'>, refresh: InstanceRefresh): void {
  end(host, refresh, 'Cancelled', 'Instance refresh was cancelled at the request of the user.');
}

function end(
  host: Pick<RefreshHost, 'now'>,
  refresh: InstanceRefresh,
  status: 'Successful' | 'Failed' | 'Cancelled',
  reason?: string,
): void {
  refresh.status = status;
  refresh.endTime = host.now();
  if (status === 'Successful') {
    refresh.percentageComplete = 100;
    refresh.instancesToUpdate = 0;
  }
  if (reason === undefined) delete refresh.statusReason;
  else refresh.statusReason = reason;
}
