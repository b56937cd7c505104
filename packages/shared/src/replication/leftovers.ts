import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import { connectPostgres, withPostgres } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import { findLeftovers, type Leftovers, type ReplicationNames } from './postgres/index.js';

/*
 * What replication has on the servers now, for the phases that must not run beside it or after a stop
 * that did not finish (cutover, rollback, cleanup-v1). v1 must answer (the slot that fills its storage is
 * there); v2 is read when it answers, since a broken v2 may be why a rollback runs.
 */

export interface LeftoverContext {
  config: MigrationConfig;
  clients: Pick<AwsClients, 'rds' | 'secretsManager'>;
  sslMode: SslMode;
  mask(secret: string): void;
}

export async function readLeftovers(ctx: LeftoverContext, purpose: string): Promise<Leftovers> {
  const endpoint = (side: 'v1' | 'v2') => resolveDatabaseEndpoint({ ...ctx, side });
  return withPostgres(
    await endpoint('v1'),
    async (v1) => {
      const v2 = await endpoint('v2')
        .then((e) => connectPostgres(e, purpose))
        .catch(() => undefined);
      try {
        return await findLeftovers(v1, v2);
      } finally {
        await v2?.end().catch(() => undefined);
      }
    },
    purpose,
  );
}

/** Each object, e.g. `slot dbmig_dev on v1 (retaining 1,024 bytes of WAL)`. */
export function describeLeftovers(leftovers: Leftovers): string[] {
  return [
    ...leftovers.subscriptions.map((s) => `subscription ${s} on v2`),
    ...leftovers.slots.map(
      (s) =>
        `slot ${s.name} on v1` +
        (s.active ? ' (streaming)' : '') +
        (!s.active && s.retainedBytes !== null
          ? ` (retaining ${s.retainedBytes.toLocaleString('en-US')} bytes of WAL)`
          : ''),
    ),
    ...leftovers.publications.map((p) => `publication ${p} on v1`),
  ];
}

/** The statements that stop replication by hand, v2's first. */
export function stopStatements(names: ReplicationNames): string[] {
  return [
    `on v2: ALTER SUBSCRIPTION ${names.subscription} DISABLE; ALTER SUBSCRIPTION ${names.subscription} SET (slot_name = NONE); DROP SUBSCRIPTION ${names.subscription};`,
    `on v1: SELECT pg_drop_replication_slot('${names.slot}'); DROP PUBLICATION ${names.publication};`,
  ];
}
