import type { LedgerView } from '../ledger/view.js';
import {
  describeLeftovers,
  readLeftovers,
  stopStatements,
  type LeftoverContext,
} from '../replication/leftovers.js';
import { replicationNames } from '../replication/postgres/index.js';
import { REPLICATION_EVENTS } from '../replication/running.js';
import type { Check } from '../report/report.js';
import type { V1Inventory } from './inventory.js';

/*
 * A guard of Phase 4 for environments that replicated: no slot or publication of the toolkit's left on
 * v1 and no subscription on v2. Deleting v1 under a subscription leaves v2's apply worker failing every
 * 5 s against a host that is gone, and a slot still there means the stop never finished, so whatever
 * read that slot may not have everything. Asked only when the ledger records replication: an environment
 * that never replicated needs no database connection to be cleaned up.
 */

export type ReplicationCheckContext = LeftoverContext;

export async function replicationLeftoversCheck(
  ctx: ReplicationCheckContext,
  view: LedgerView,
  inventory: V1Inventory,
): Promise<Check | undefined> {
  if (!view.latest([REPLICATION_EVENTS.slotCreated, REPLICATION_EVENTS.started])) return undefined;
  // Once v1's primary cluster is gone (a resumed cleanup), there is no slot left to hold.
  if (!inventory.clusters.some((c) => c.identifier === ctx.config.v1.primaryCluster)) return undefined;
  const names = replicationNames(ctx.config.environment);
  const base = {
    id: 'replication-stopped',
    title: 'No replication slot, publication or subscription is left behind',
    resource: names.slot,
  };
  try {
    const objects = describeLeftovers(await readLeftovers(ctx, 'cleanup replication check'));
    if (objects.length === 0)
      return { ...base, status: 'pass', detail: 'Replication was stopped and left nothing.' };
    return {
      ...base,
      status: 'fail',
      detail: `${objects.join(', ')} remain. Stop replication first: ${stopStatements(names).join(' ')}`,
    };
  } catch (error) {
    return {
      ...base,
      status: 'fail',
      detail: `Cannot read v1's replication slots (${(error as Error).message}): a slot left there cannot be ruled out.`,
    };
  }
}
