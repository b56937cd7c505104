import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import { withPostgres, type PostgresEndpoint } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import { describeEvent } from '../ledger/describe.js';
import type { LedgerEvent } from '../ledger/event.js';
import type { LedgerView } from '../ledger/view.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import { findLeftovers, replicationNames } from './postgres/index.js';

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
  const names = replicationNames(ctx.config.environment);
  const endpoint = (side: 'v1' | 'v2'): Promise<PostgresEndpoint> =>
    resolveDatabaseEndpoint({ ...ctx, side, sslMode: ctx.sslMode });
  const [v1, v2] = await Promise.all([endpoint('v1'), endpoint('v2')]);
  const leftovers = await withPostgres(
    v1,
    (a) => withPostgres(v2, (b) => findLeftovers(a, b), 'replication check'),
    'replication check',
  );
  const objects = [
    ...leftovers.subscriptions.map((s) => `subscription ${s} on v2`),
    ...leftovers.slots.map((s) => `slot ${s.name} on v1${s.active ? ' (streaming)' : ''}`),
    ...leftovers.publications.map((p) => `publication ${p} on v1`),
  ];
  if (objects.length === 0) return undefined;
  return {
    event,
    objects,
    stop: [
      `on v2: ALTER SUBSCRIPTION ${names.subscription} DISABLE; ALTER SUBSCRIPTION ${names.subscription} SET (slot_name = NONE); DROP SUBSCRIPTION ${names.subscription};`,
      `on v1: SELECT pg_drop_replication_slot('${names.slot}'); DROP PUBLICATION ${names.publication};`,
    ],
  };
}

export function describeRunningReplication(running: RunningReplication): string {
  return `logical replication from v1 to v2 is running (${describeEvent(running.event)}; ${running.objects.join(', ')})`;
}
