import pg from 'pg';
import { clientConfig, describeEndpoint, type PostgresEndpoint } from '../../data/postgres/connection.js';
import type { SnapshotSource } from '../../data/postgres/copy/index.js';

/*
 * The slot that makes copy-then-stream exact (replication.md §1.3, pgcopydb's `--follow`): created on a
 * replication connection with `SNAPSHOT 'export'`, it starts streaming at the very instant of the snapshot
 * it exports. The copy reads every table in that snapshot and the subscription then applies what the slot
 * holds: each change once, none missed, none applied twice. The export lives only while the walsender
 * session runs no other command, so that session is kept idle until the copy releases it.
 */

export interface CreatedSlot {
  slot: string;
  /** The LSN streaming starts from: the snapshot's instant. */
  consistentPoint: string;
  snapshotId: string;
}

/**
 * A SnapshotSource for the copy whose snapshot is the one a new logical slot exports. `onCreated` hears of
 * the slot as soon as it exists (the ledger records it then, so that a crash leaves no unrecorded slot).
 */
export function slotSnapshot(
  slot: string,
  onCreated: (created: CreatedSlot) => Promise<void> | void,
): SnapshotSource {
  return {
    description: `the snapshot exported by the new logical replication slot ${slot} (CREATE_REPLICATION_SLOT … SNAPSHOT 'export')`,
    async acquire(source) {
      const walsender = await openWalsender(source);
      let created: CreatedSlot;
      try {
        // An idle walsender holding the export must not be ended by a role's idle timeout (replication.md §1.3).
        await walsender.query('SET idle_in_transaction_session_timeout = 0');
        const result = await walsender.query<{
          slot_name: string;
          consistent_point: string;
          snapshot_name: string;
        }>(`CREATE_REPLICATION_SLOT ${pg.escapeIdentifier(slot)} LOGICAL pgoutput (SNAPSHOT 'export')`);
        const row = result.rows[0]!;
        created = {
          slot: row.slot_name,
          consistentPoint: row.consistent_point,
          snapshotId: row.snapshot_name,
        };
      } catch (error) {
        await walsender.end().catch(() => undefined);
        throw new Error(
          `cannot create the replication slot ${slot} on ${describeEndpoint(source)}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      try {
        await onCreated(created);
      } catch (error) {
        await walsender.end().catch(() => undefined);
        throw error;
      }
      return { id: created.snapshotId, release: () => walsender.end().catch(() => undefined) };
    },
  };
}

/**
 * A replication connection (`replication=database`): it speaks the simple query protocol only, so nothing
 * is sent on it with parameters, and the pinned session settings are not applied (they are not needed: it
 * reads no data).
 */
async function openWalsender(endpoint: PostgresEndpoint): Promise<pg.Client> {
  // `replication` is a startup parameter pg passes on, though its typings do not list it.
  const client = new pg.Client({
    ...clientConfig(endpoint, 'replication slot'),
    replication: 'database',
  } as pg.ClientConfig);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `cannot open a replication connection to ${describeEndpoint(endpoint)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return client;
}
