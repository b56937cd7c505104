import pg from 'pg';
import {
  connectPostgres,
  describeEndpoint,
  PINNED_SESSION_SETTINGS,
  PostgresConnectError,
  type PostgresEndpoint,
} from '../connection.js';
import { ParityError } from './errors.js';

/**
 * Sessions on one side that all read the same instant of its database: the first exports its snapshot,
 * the others import it. Every range of every table is then checksummed at that instant, whichever session
 * runs it, so rows written while the comparison runs cannot make two ranges disagree with each other.
 */
export interface SnapshotSessions {
  endpoint: PostgresEndpoint;
  /** The exporting session first; it also reads the catalog. */
  sessions: pg.Client[];
  close(): Promise<void>;
}

/** Opens `count` sessions on one snapshot; each is verified to render values as the pinned settings say. */
export async function openSnapshotSessions(
  endpoint: PostgresEndpoint,
  count: number,
): Promise<SnapshotSessions> {
  const sessions: pg.Client[] = [];
  const close = async (): Promise<void> => {
    // Read-only transactions: ending the session ends them; nothing to commit.
    await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
  };
  try {
    const leader = await connectPostgres(endpoint, `parity ${endpoint.side} 1/${count}`);
    sessions.push(leader);
    await leader.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const exported = await leader.query<{ id: string }>('SELECT pg_catalog.pg_export_snapshot() AS id');
    const snapshot = exported.rows[0]!.id;
    const followers = await Promise.all(
      Array.from({ length: count - 1 }, async (_, i) => {
        const client = await connectPostgres(endpoint, `parity ${endpoint.side} ${i + 2}/${count}`);
        sessions.push(client);
        // SET TRANSACTION SNAPSHOT takes no parameters; the id is the server's own, quoted all the same.
        await client.query(
          `BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT ${pg.escapeLiteral(snapshot)}`,
        );
        return client;
      }),
    );
    const all = [leader, ...followers];
    await Promise.all(all.map((client) => assertPinnedSettings(client, endpoint)));
    return { endpoint, sessions: all, close };
  } catch (error) {
    await close();
    if (error instanceof ParityError) throw error;
    if (error instanceof PostgresConnectError) throw error;
    throw new ParityError(
      `cannot open a consistent snapshot on ${describeEndpoint(endpoint)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** How PostgreSQL shows a setting back: `""` for an empty search_path, any case, spaces after commas. */
function normalize(value: string): string {
  return value.replace(/["\s]/g, '').toLowerCase();
}

/**
 * The checksum is only as good as the renderings it hashes: refuse a session on which the pinned settings
 * did not take (a pooler that resets them, a role with an overriding ALTER ROLE … SET applied later).
 */
async function assertPinnedSettings(client: pg.Client, endpoint: PostgresEndpoint): Promise<void> {
  const names = Object.keys(PINNED_SESSION_SETTINGS);
  const shown = await client.query<{ name: string; value: string }>(
    'SELECT s.name, pg_catalog.current_setting(s.name) AS value FROM unnest($1::text[]) AS s(name)',
    [names],
  );
  for (const { name, value } of shown.rows) {
    const pinned = PINNED_SESSION_SETTINGS[name]!;
    if (normalize(value) !== normalize(pinned)) {
      throw new ParityError(
        `${describeEndpoint(endpoint)}: the session's ${name} is ${JSON.stringify(value)}, not the pinned ` +
          `${JSON.stringify(pinned)}, so values would not render as on the other side. Check for a connection ` +
          `pooler that resets session settings between statements, and connect to the database directly.`,
      );
    }
  }
}
