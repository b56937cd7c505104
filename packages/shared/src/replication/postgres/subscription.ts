import pg from 'pg';
import { qualifiedName, type PostgresEndpoint } from '../../data/postgres/connection.js';
import type { ReplicationNames } from './names.js';
import type { ReplicatedTable } from './preconditions.js';

/*
 * The two ends of native logical replication: a publication of the copied tables on v1 (created before
 * the slot, so that the slot's decoding finds it from its first change on), and a subscription on v2 that
 * streams from the slot the copy's snapshot came from, without copying the data again.
 */

/** `FOR TABLE` with the tables copied, not `FOR ALL TABLES`: that needs a superuser and would publish
 * tables the copy never made, whose changes v2 cannot apply. A table created on v1 later is caught by the
 * drift check instead. */
export async function createPublication(
  v1: pg.Client,
  names: ReplicationNames,
  tables: ReplicatedTable[],
): Promise<void> {
  const exists = await v1.query('SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = $1', [
    names.publication,
  ]);
  if (exists.rowCount) return;
  await v1.query(
    `CREATE PUBLICATION ${pg.escapeIdentifier(names.publication)} FOR TABLE ${tables.map(qualifiedName).join(', ')} ` +
      `WITH (publish = 'insert, update, delete, truncate')`,
  );
}

/**
 * libpq's connection string for v2 to reach v1 (`host=… port=…`), each value quoted as libpq requires.
 * It holds v1's password: PostgreSQL keeps it in pg_subscription (readable by superusers only), as every
 * native subscription does. It never reaches a log or an error from here.
 */
export function publisherConnection(v1: PostgresEndpoint, host = v1.host, port = v1.port): string {
  const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const sslmode =
    v1.sslMode === 'disable' ? 'disable' : v1.sslMode === 'verify-full' ? 'verify-full' : 'require';
  return [
    `host=${quote(host)}`,
    `port=${port}`,
    `dbname=${quote(v1.database)}`,
    `user=${quote(v1.user)}`,
    `password=${quote(v1.password)}`,
    `sslmode=${sslmode}`,
    `application_name=${quote(`db-migration-toolkit ${v1.database}`)}`,
  ].join(' ');
}

/** Subscribes v2 to the slot; a subscription already there (a re-run) is left as it is. */
export async function createSubscription(
  v2: pg.Client,
  names: ReplicationNames,
  connection: string,
  redact: (text: string) => string,
): Promise<void> {
  const exists = await v2.query('SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = $1', [
    names.subscription,
  ]);
  if (exists.rowCount) return;
  try {
    await v2.query(
      `CREATE SUBSCRIPTION ${pg.escapeIdentifier(names.subscription)} CONNECTION ${pg.escapeLiteral(connection)} ` +
        `PUBLICATION ${pg.escapeIdentifier(names.publication)} ` +
        `WITH (create_slot = false, slot_name = ${pg.escapeLiteral(names.slot)}, copy_data = false)`,
    );
  } catch (error) {
    // The statement carries the password; PostgreSQL's own message does not, but be sure.
    throw new Error(
      `cannot create the subscription ${names.subscription} on v2: ${redact((error as Error).message)}`,
    );
  }
}

/**
 * Whether v2 can reach v1 with these credentials, found out before the copy rather than after it: a
 * disabled subscription without a slot is created (PostgreSQL connects to the publisher to create one)
 * and dropped again at once; it streams nothing and leaves nothing on v1. Also proves that v2's user
 * may create subscriptions.
 */
export async function probePublisher(
  v2: pg.Client,
  names: ReplicationNames,
  connection: string,
  redact: (text: string) => string,
): Promise<void> {
  const probe = pg.escapeIdentifier(`${names.subscription}_probe`.slice(0, 63));
  await v2.query(`DROP SUBSCRIPTION IF EXISTS ${probe}`);
  try {
    await v2.query(
      `CREATE SUBSCRIPTION ${probe} CONNECTION ${pg.escapeLiteral(connection)} ` +
        `PUBLICATION ${pg.escapeIdentifier(names.publication)} ` +
        `WITH (create_slot = false, slot_name = NONE, enabled = false, copy_data = false)`,
    );
  } catch (error) {
    throw new Error(
      `v2 cannot subscribe to v1, nothing was changed: ${redact((error as Error).message)}. v2 must reach ` +
        "v1's writer (its security group must admit v2's, and TLS as the ssl-mode asks), and v2's user must " +
        'be allowed to create subscriptions (rds_superuser on Aurora)',
    );
  }
  await v2.query(`DROP SUBSCRIPTION ${probe}`);
}
