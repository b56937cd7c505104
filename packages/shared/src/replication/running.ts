import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import type { SslMode } from '../data/ssl-mode.js';
import { describeEvent } from '../ledger/describe.js';
import type { LedgerEvent } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import { describeLeftovers, readLeftovers, stopStatements } from './leftovers.js';
import { replicationNames } from './postgres/index.js';

/*
 * Whether the logical replication migrate-data started still runs. The ledger says it was started; only
 * the servers say whether its slot and subscription are still there (a DBA may have stopped it by hand,
 * and nothing then records the stop). A phase that must not run beside it asks both.
 */

export const REPLICATION_EVENTS = {
  slotCreated: 'replication-slot-created',
  started: 'replication-started',
  stopped: 'replication-stopped',
} as const;

/** The newest start of replication with no stop recorded after it. */
export function replicationInLedger(view: LedgerView): LedgerEvent | undefined {
  const start = view.latest([REPLICATION_EVENTS.slotCreated, REPLICATION_EVENTS.started]);
  if (!start) return undefined;
  return view.since(start, [REPLICATION_EVENTS.stopped]).length > 0 ? undefined : start;
}

export interface RunningReplication {
  event: LedgerEvent;
  /** What is still on the servers, e.g. `slot dbmig_dev on v1`. */
  objects: string[];
  /** The statements that stop it by hand, v2's first. */
  stop: string[];
}

export async function runningReplication(
  view: LedgerView,
  ctx: { config: MigrationConfig; clients: AwsClients; sslMode: SslMode; mask(secret: string): void },
): Promise<RunningReplication | undefined> {
  const event = replicationInLedger(view);
  if (!event) return undefined;
  const objects = describeLeftovers(await readLeftovers(ctx, 'replication check'));
  if (objects.length === 0) return undefined;
  return { event, objects, stop: stopStatements(replicationNames(ctx.config.environment)) };
}

export function describeRunningReplication(running: RunningReplication): string {
  return `logical replication from v1 to v2 is running (${describeEvent(running.event)}; ${running.objects.join(', ')})`;
}
