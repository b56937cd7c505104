import type { AwsClients } from '../aws/clients.js';
import type { LedgerView } from '../ledger/view.js';
import { dmsRunOf, findTaskByArn } from '../replication/dms/index.js';
import {
  describeLeftovers,
  readLeftovers,
  stopStatements,
  type LeftoverContext,
} from '../replication/leftovers.js';
import { replicationNames } from '../replication/postgres/index.js';
import { dmsStopCommands, REPLICATION_EVENTS } from '../replication/running.js';
import type { Check } from '../report/report.js';
import type { V1Inventory } from './inventory.js';

/*
 * A guard of Phase 4 for environments that replicated: no slot or publication of the toolkit's left on
 * v1, no subscription on v2, and no DMS task of migrate-data's still on the replication instance.
 * Deleting v1 under a subscription or a task leaves it failing against a host that is gone, and a slot
 * still there means the stop never finished, so whatever read that slot may not have everything. Asked
 * only when the ledger records replication: an environment that never replicated needs no database
 * connection to be cleaned up.
 */

export type ReplicationCheckContext = LeftoverContext & { clients: Pick<AwsClients, 'dms'> };

export async function replicationLeftoversCheck(
  ctx: ReplicationCheckContext,
  view: LedgerView,
  inventory: V1Inventory,
): Promise<Check | undefined> {
  const dmsEvent = view.latest([REPLICATION_EVENTS.dmsObjectsCreated]);
  const logical = view.events.some(
    (e) =>
      e.type === REPLICATION_EVENTS.slotCreated ||
      (e.type === REPLICATION_EVENTS.started && e.data['mode'] !== 'dms'),
  );
  if (!logical && !dmsEvent) return undefined;
  // Once v1's primary cluster is gone (a resumed cleanup), there is no slot left to hold.
  if (!inventory.clusters.some((c) => c.identifier === ctx.config.v1.primaryCluster)) return undefined;
  const dmsRun = dmsEvent
    ? (dmsRunOf(view.latest([REPLICATION_EVENTS.started]) ?? dmsEvent) ?? dmsRunOf(dmsEvent))
    : undefined;
  const names = replicationNames(ctx.config.environment);
  const base = {
    id: 'replication-stopped',
    title: 'No replication slot, publication or subscription is left behind',
    resource: names.slot,
  };
  try {
    const objects = logical ? describeLeftovers(await readLeftovers(ctx, 'cleanup replication check')) : [];
    const task = dmsRun
      ? await findTaskByArn(ctx.clients.dms(ctx.config.regions.primary), dmsRun.taskArn).catch(
          (error: unknown) => {
            if ((error as Error).name === 'ResourceNotFoundFault') return undefined;
            throw error;
          },
        )
      : undefined;
    if (objects.length === 0 && !task)
      return { ...base, status: 'pass', detail: 'Replication was stopped and left nothing.' };
    const left = [
      ...objects,
      ...(task && dmsRun ? [`the DMS task ${dmsRun.task} (${task.Status ?? 'unknown'})`] : []),
    ];
    const fixes = [
      ...(objects.length > 0 ? stopStatements(names) : []),
      ...(task && dmsRun ? dmsStopCommands(dmsRun) : []),
    ];
    return {
      ...base,
      status: 'fail',
      detail: `${left.join(', ')} remain. Stop replication first: ${fixes.join(' ')}`,
    };
  } catch (error) {
    return {
      ...base,
      status: 'fail',
      detail: `Cannot read what replication left (${(error as Error).message}): a slot or task left behind cannot be ruled out.`,
    };
  }
}
