import pg from 'pg';
import { REPLICATION_PREFIX, type ReplicationNames } from './names.js';

/*
 * Stopping replication removes everything it created (replication.md §1.7): a slot left on v1 keeps WAL
 * and catalog rows forever and fills v1's storage. The subscription is detached from its slot before it is
 * dropped, so that dropping it never depends on reaching v1, and the slot is then dropped on v1 directly.
 * Every step is idempotent: a stop that died half-way is finished by the next one.
 */

export async function dropSubscription(v2: pg.Client, names: ReplicationNames): Promise<boolean> {
  const exists = await v2.query('SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = $1', [
    names.subscription,
  ]);
  if (!exists.rowCount) return false;
  const sub = pg.escapeIdentifier(names.subscription);
  // DROP SUBSCRIPTION cannot run in a transaction block: three statements, one at a time.
  await v2.query(`ALTER SUBSCRIPTION ${sub} DISABLE`);
  await v2.query(`ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`);
  await v2.query(`DROP SUBSCRIPTION ${sub}`);
  return true;
}

/**
 * Drops the slot and the publication on v1. A slot still active (the walsender of a just-disabled
 * subscription has not exited yet) is waited for, up to `timeoutMs`.
 */
export async function dropSlotAndPublication(
  v1: pg.Client,
  names: ReplicationNames,
  options: { timeoutMs?: number } = {},
): Promise<{ slot: boolean; publication: boolean }> {
  const slot = await dropSlot(v1, names.slot, options);
  const dropped = await v1.query(`SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = $1`, [
    names.publication,
  ]);
  if (dropped.rowCount) await v1.query(`DROP PUBLICATION ${pg.escapeIdentifier(names.publication)}`);
  return { slot, publication: Boolean(dropped.rowCount) };
}

/** Drops a slot on v1 once nothing streams from it (waited for up to `timeoutMs`); false when it is gone. */
export async function dropSlot(
  v1: pg.Client,
  slot: string,
  options: { timeoutMs?: number } = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const { rows } = await v1.query<{ active_pid: number | null }>(
      'SELECT active_pid FROM pg_catalog.pg_replication_slots WHERE slot_name = $1',
      [slot],
    );
    if (rows.length === 0) return false;
    const pid = rows[0]!.active_pid;
    if (pid === null) {
      await v1.query('SELECT pg_catalog.pg_drop_replication_slot($1)', [slot]);
      return true;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the replication slot ${slot} on v1 is still in use by process ${pid}: stop what streams from it ` +
          `(a subscription on v2?), then \`SELECT pg_drop_replication_slot('${slot}')\` on v1`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export interface Leftovers {
  /** Slots on v1 the toolkit made (its prefix) and never dropped, with the WAL each retains. */
  slots: { name: string; active: boolean; retainedBytes: number | null }[];
  subscriptions: string[];
  publications: string[];
}

/** What replication left behind: rollback and cleanup refuse while any of it remains. */
export async function findLeftovers(v1: pg.Client, v2: pg.Client | undefined): Promise<Leftovers> {
  const like = `${REPLICATION_PREFIX.replace(/_/g, '\\_')}%`;
  const [slots, publications, subscriptions] = await Promise.all([
    v1.query<{ name: string; active: boolean; retained: string | null }>(
      `SELECT slot_name AS name, active,
              pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), restart_lsn)::text AS retained
         FROM pg_catalog.pg_replication_slots WHERE slot_name LIKE $1 ORDER BY 1`,
      [like],
    ),
    v1.query<{ name: string }>(
      'SELECT pubname AS name FROM pg_catalog.pg_publication WHERE pubname LIKE $1 ORDER BY 1',
      [like],
    ),
    v2
      ? v2.query<{ name: string }>(
          `SELECT subname AS name FROM pg_catalog.pg_subscription
            WHERE subname LIKE $1 AND subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
            ORDER BY 1`,
          [like],
        )
      : Promise.resolve({ rows: [] as { name: string }[] }),
  ]);
  return {
    slots: slots.rows.map((s) => ({
      name: s.name,
      active: s.active,
      retainedBytes: s.retained === null ? null : Number(s.retained),
    })),
    publications: publications.rows.map((p) => p.name),
    subscriptions: subscriptions.rows.map((s) => s.name),
  };
}
