import type pg from 'pg';
import type { ScenarioContext } from './types.js';

/*
 * What logical replication needs of the lab's two servers, and its removal between scenarios. On Aurora
 * the master user holds rds_superuser, which may create subscriptions and (with rds_replication) start a
 * walsender; PostgreSQL 15 has no such roles, so a world with replication on gives the application user
 * REPLICATION on v1 and SUPERUSER on v2 (CREATE SUBSCRIPTION needs it there), and every other world takes
 * both away again. A scenario load also removes what an earlier test's replication left: subscriptions on
 * v2 first (each detached from its slot, so that dropping it needs no publisher), then slots and
 * publications, so that no apply worker writes into the next scenario's databases.
 */

export async function resetReplication(ctx: ScenarioContext): Promise<void> {
  // Subscribers first (v2, then v1 for a reverse replication), so that no walsender restarts behind us.
  for (const server of [ctx.databases.v2, ctx.databases.v1]) {
    if (server.external) continue;
    await server.admin(async (client) => {
      const subscriptions = await client.query<{ name: string }>(
        `SELECT subname AS name FROM pg_subscription
          WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      for (const { name } of subscriptions.rows) {
        const sub = client.escapeIdentifier(name);
        await client.query(`ALTER SUBSCRIPTION ${sub} DISABLE`);
        await client.query(`ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`);
        await client.query(`DROP SUBSCRIPTION ${sub}`);
      }
      await dropSlots(client);
      const publications = await client.query<{ name: string }>('SELECT pubname AS name FROM pg_publication');
      for (const { name } of publications.rows)
        await client.query(`DROP PUBLICATION ${client.escapeIdentifier(name)}`);
      await client.query(`ALTER ROLE ${client.escapeIdentifier(server.user)} NOSUPERUSER NOREPLICATION`);
    });
  }
}

/** Every slot of the server, its walsender ended first; a slot stays active for a moment after that. */
async function dropSlots(client: pg.Client): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { rows } = await client.query<{ name: string; pid: number | null }>(
      'SELECT slot_name AS name, active_pid AS pid FROM pg_replication_slots',
    );
    if (rows.length === 0) return;
    for (const { name, pid } of rows) {
      if (pid === null) await client.query('SELECT pg_drop_replication_slot($1)', [name]);
      else await client.query('SELECT pg_terminate_backend($1)', [pid]);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('replication slots are still in use after 5 s: cannot reset the databases');
}

/** The rights Aurora's master user has for logical replication, on the lab's servers. */
export async function grantReplication(ctx: ScenarioContext): Promise<void> {
  const { v1, v2 } = ctx.databases;
  if (!v1.external) await v1.admin((c) => c.query(`ALTER ROLE ${c.escapeIdentifier(v1.user)} REPLICATION`));
  if (!v2.external) await v2.admin((c) => c.query(`ALTER ROLE ${c.escapeIdentifier(v2.user)} SUPERUSER`));
}
