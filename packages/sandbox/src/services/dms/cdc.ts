import type pg from 'pg';
import type { PostgresServer } from '../../postgres/index.js';
import type { DmsReplicationObjects } from '../../world/types.js';
import type { SourceTable } from './catalog.js';
import { connectTo, withEndpoint, type EndpointCredentials } from './credentials.js';
import type { DatabaseServerRegistry } from './servers.js';

/*
 * CDC with PostgreSQL's own logical replication, as DMS's pgoutput mode: a slot on the source (taken
 * before the full load, its exported snapshot read by the load), publications of the selected tables,
 * and on the target a subscription attached to that slot, so that each change after the snapshot
 * arrives once.
 */

/** A slot whose exported snapshot the load reads; the snapshot lives while `walsender` stays idle and open. */
export interface SnapshotSlot {
  walsender: pg.Client;
  snapshot: string | undefined;
}

export async function createSlot(
  source: EndpointCredentials,
  slot: string,
  exportSnapshot: boolean,
): Promise<SnapshotSlot> {
  const walsender = await connectTo(source, { replication: true });
  try {
    // An idle walsender holding the export would otherwise be ended by the timeout, and the snapshot with it.
    await walsender.query('SET idle_in_transaction_session_timeout = 0');
    const { rows } = await walsender.query<{ snapshot_name: string | null }>(
      `CREATE_REPLICATION_SLOT ${walsender.escapeIdentifier(slot)} LOGICAL pgoutput ${exportSnapshot ? 'EXPORT_SNAPSHOT' : 'NOEXPORT_SNAPSHOT'}`,
    );
    return { walsender, snapshot: rows[0]?.snapshot_name ?? undefined };
  } catch (error) {
    await walsender.end().catch(() => undefined);
    throw error;
  }
}

/**
 * Publications of the selected tables: those with a primary key publish inserts, updates and deletes;
 * those without one inserts only, so that the source keeps accepting their updates and deletes (which DMS
 * cannot replicate for such tables either). TRUNCATE is not replicated, as with DMS.
 */
export async function createPublications(
  source: EndpointCredentials,
  slot: string,
  tables: SourceTable[],
): Promise<string[]> {
  const groups = [
    {
      name: `${slot}_pub`,
      publish: 'insert,update,delete',
      tables: tables.filter((t) => t.primaryKey.length > 0),
    },
    { name: `${slot}_pub_nopk`, publish: 'insert', tables: tables.filter((t) => t.primaryKey.length === 0) },
  ].filter((g) => g.tables.length > 0);
  return withEndpoint(source, async (client) => {
    for (const group of groups) {
      await client.query(
        `CREATE PUBLICATION ${client.escapeIdentifier(group.name)} FOR TABLE ${group.tables.map((t) => t.qualified).join(', ')} WITH (publish = '${group.publish}')`,
      );
    }
    return groups.map((g) => g.name);
  });
}

/** A libpq connection string for the subscription: the source's endpoint, as the target reaches it. */
function conninfo(source: EndpointCredentials): string {
  const quote = (value: string | number) => `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [
    `host=${quote(source.host)}`,
    `port=${quote(source.port)}`,
    `user=${quote(source.user)}`,
    `password=${quote(source.password)}`,
    `dbname=${quote(source.database)}`,
    `sslmode=${source.ssl ? 'require' : 'prefer'}`,
  ].join(' ');
}

/**
 * Runs `fn` as a superuser of the target: PostgreSQL 15 lets only a superuser create or change a
 * subscription. The lab's servers give admin access; a server given by URL does not, so its
 * endpoint's user is tried, and a refusal says why.
 */
export async function asTargetSuperuser<T>(
  servers: DatabaseServerRegistry,
  target: EndpointCredentials,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const server: PostgresServer | undefined = servers.find(target.host, target.port);
  if (server && !server.external) {
    return server.admin(async (client) => {
      // admin() connects to the server's own database; the endpoint may name another.
      if (client.database === target.database) return fn(client);
      return withEndpoint({ ...target }, fn);
    });
  }
  try {
    return await withEndpoint(target, fn);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new Error(
        `the sandbox has no superuser access to the target ${target.host}:${target.port} (a server given by URL), ` +
          `and its endpoint's user may not manage subscriptions: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

export async function createSubscription(
  servers: DatabaseServerRegistry,
  source: EndpointCredentials,
  target: EndpointCredentials,
  objects: DmsReplicationObjects,
  name: string,
): Promise<void> {
  await asTargetSuperuser(servers, target, (client) =>
    client.query(
      `CREATE SUBSCRIPTION ${client.escapeIdentifier(name)} CONNECTION '${conninfo(source).replace(/'/g, "''")}' ` +
        `PUBLICATION ${objects.publications.map((p) => client.escapeIdentifier(p)).join(', ')} ` +
        `WITH (create_slot = false, slot_name = '${objects.slotName}', copy_data = false)`,
    ),
  );
}

export async function setSubscriptionEnabled(
  servers: DatabaseServerRegistry,
  target: EndpointCredentials,
  name: string,
  enabled: boolean,
): Promise<void> {
  await asTargetSuperuser(servers, target, (client) =>
    client.query(`ALTER SUBSCRIPTION ${client.escapeIdentifier(name)} ${enabled ? 'ENABLE' : 'DISABLE'}`),
  );
}

/** Removes the subscription (detached from its slot first), the publications and the slot. */
export async function dropReplicationObjects(
  servers: DatabaseServerRegistry,
  source: EndpointCredentials,
  target: EndpointCredentials,
  objects: DmsReplicationObjects,
): Promise<void> {
  if (objects.subscriptionName) {
    const name = objects.subscriptionName;
    await asTargetSuperuser(servers, target, async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [name]);
      if (!rowCount) return;
      const sub = client.escapeIdentifier(name);
      await client.query(`ALTER SUBSCRIPTION ${sub} DISABLE`);
      await client.query(`ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`);
      await client.query(`DROP SUBSCRIPTION ${sub}`);
    });
  }
  await withEndpoint(source, async (client) => {
    for (const publication of objects.publications) {
      await client.query(`DROP PUBLICATION IF EXISTS ${client.escapeIdentifier(publication)}`);
    }
    await dropSlot(client, objects.slotName);
  });
}

/** A slot stays active for a moment after its walsender is told to stop; its own user may end that walsender. */
async function dropSlot(client: pg.Client, slot: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await client.query<{ pid: number | null }>(
      'SELECT active_pid AS pid FROM pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    if (rows.length === 0) return;
    const pid = rows[0]!.pid;
    if (pid === null) {
      await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
      return;
    }
    await client.query('SELECT pg_terminate_backend($1)', [pid]).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`replication slot ${slot} is still in use after 10 s`);
}
