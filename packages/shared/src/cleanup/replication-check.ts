import type { AwsClients } from '../aws/clients.js';
import type { MigrationConfig } from '../config/types.js';
import { connectPostgres, withPostgres } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import type { LedgerView } from '../ledger/view.js';
import { findLeftovers, replicationNames } from '../replication/postgres/index.js';
import { REPLICATION_EVENTS } from '../replication/running.js';
import type { Check } from '../report/report.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import type { V1Inventory } from './inventory.js';

/*
 * A guard of Phase 4 for environments that replicated: no slot or publication of the toolkit's left on
 * v1 and no subscription on v2. Deleting v1 under a subscription leaves v2's apply worker failing every
 * 5 s against a host that is gone, and a slot still there means the stop never finished, so whatever
 * read that slot may not have everything. Asked only when the ledger records replication: an environment
 * that never replicated needs no database connection to be cleaned up.
 */

export interface ReplicationCheckContext {
  config: MigrationConfig;
  clients: Pick<AwsClients, 'rds' | 'secretsManager'>;
  sslMode: SslMode;
  mask(secret: string): void;
}

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
    const leftovers = await withPostgres(
      await resolveDatabaseEndpoint({ ...ctx, side: 'v1' }),
      async (v1) => {
        const v2 = await resolveDatabaseEndpoint({ ...ctx, side: 'v2' })
          .then((e) => connectPostgres(e, 'cleanup replication check'))
          .catch(() => undefined);
        try {
          return await findLeftovers(v1, v2);
        } finally {
          await v2?.end().catch(() => undefined);
        }
      },
      'cleanup replication check',
    );
    const objects = [
      ...leftovers.subscriptions.map((s) => `subscription ${s} on v2`),
      ...leftovers.slots.map((s) => `slot ${s.name} on v1${s.active ? ' (streaming)' : ''}`),
      ...leftovers.publications.map((p) => `publication ${p} on v1`),
    ];
    if (objects.length === 0)
      return { ...base, status: 'pass', detail: 'Replication was stopped and left nothing.' };
    return {
      ...base,
      status: 'fail',
      detail:
        `${objects.join(', ')} remain. Stop replication first: on v2 ALTER SUBSCRIPTION ${names.subscription} DISABLE; ` +
        `ALTER SUBSCRIPTION ${names.subscription} SET (slot_name = NONE); DROP SUBSCRIPTION ${names.subscription}; ` +
        `on v1 SELECT pg_drop_replication_slot('${names.slot}'); DROP PUBLICATION ${names.publication};`,
    };
  } catch (error) {
    return {
      ...base,
      status: 'fail',
      detail: `Cannot read v1's replication slots (${(error as Error).message}): a slot left there cannot be ruled out.`,
    };
  }
}
