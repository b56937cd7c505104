import pg from 'pg';
import { connectPostgres, describeEndpoint, type PostgresEndpoint } from '../connection.js';

/** A snapshot of v1 exported by a session that keeps it alive until `release()`. */
export interface HeldSnapshot {
  /** What `SET TRANSACTION SNAPSHOT` and `pg_dump --snapshot` take, e.g. `00000003-0000001B-1`. */
  id: string;
  release(): Promise<void>;
}

/**
 * Where the copy's one consistent view of v1 comes from. Pluggable: continuous replication will hand in the
 * snapshot exported by `CREATE_REPLICATION_SLOT … EXPORT_SNAPSHOT`, so that the rows copied and the changes
 * streamed from the slot afterwards meet exactly at the slot's start.
 */
export interface SnapshotSource {
  /** For the plan, e.g. "a snapshot exported by a coordinator session on v1". */
  readonly description: string;
  acquire(source: PostgresEndpoint): Promise<HeldSnapshot>;
}

/**
 * The default: a coordinator session on v1 opens a read-only repeatable-read transaction, exports its
 * snapshot and stays idle in it until the copy ends. The pinned settings lift
 * idle_in_transaction_session_timeout on that session, which would otherwise end it (and the snapshot)
 * while a long table loads.
 */
export const coordinatorSnapshot: SnapshotSource = {
  description: 'a snapshot exported by a coordinator session on v1 (pg_export_snapshot)',
  async acquire(source) {
    const client = await connectPostgres(source, 'copy coordinator');
    let exported: string;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const result = await client.query<{ id: string }>('SELECT pg_catalog.pg_export_snapshot() AS id');
      exported = result.rows[0]!.id;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new Error(
        `cannot export a snapshot on ${describeEndpoint(source)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return { id: exported, release: () => endQuietly(client) };
  },
};

async function endQuietly(client: pg.Client): Promise<void> {
  await client.query('COMMIT').catch(() => undefined);
  await client.end().catch(() => undefined);
}

/**
 * Opens, on a worker's v1 session, a transaction that sees exactly the exported snapshot. Repeatable read is
 * required for an imported snapshot; read only because the copy never writes to v1.
 */
export async function joinSnapshot(client: pg.Client, snapshotId: string): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT ${pg.escapeLiteral(snapshotId)}`);
}
