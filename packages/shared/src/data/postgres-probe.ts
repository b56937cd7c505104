import pg from 'pg';
import { explainConnectError } from './connect-errors.js';
import { tlsOptions, type SslMode } from './ssl-mode.js';

export interface DatabaseTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  sslMode: SslMode;
  /** Default 10 s: an endpoint behind a security group that drops packets would otherwise hang. */
  connectTimeoutMs?: number;
}

export interface ProbeResult {
  version: string;
  /** Tables in the `public` schema (what step 1.3 of the guide counts). */
  publicTables: number;
  /** The TLS version the server negotiated for this connection (e.g. `TLSv1.3`); undefined: plain text. */
  tls: string | undefined;
}

/**
 * Step 1.3 of the guide: connect to the writer endpoint, run `SELECT version()`, and count the tables
 * in `public`. Throws {@link DatabaseProbeError} with the reason in the guide's terms.
 */
export async function probeDatabase(target: DatabaseTarget): Promise<ProbeResult> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    ssl: tlsOptions(target.sslMode),
    connectionTimeoutMillis: target.connectTimeoutMs ?? 10_000,
    application_name: 'db-migration-toolkit',
  });
  // A connection error after connect (server shutdown) must not crash the process as an unhandled event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseProbeError(explainConnectError(error, target), error);
  }
  try {
    // The server's own view of this connection (pg_stat_ssl), not the client's intent: proof that the
    // session is encrypted, in the same round trip as the guide's `SELECT version()`.
    const version = await client.query<{ version: string; tls: string | null }>(
      `SELECT version() AS version,
              (SELECT s.version FROM pg_catalog.pg_stat_ssl s
                WHERE s.pid = pg_catalog.pg_backend_pid() AND s.ssl) AS tls`,
    );
    // pg_catalog, not the guide's information_schema.tables: the latter lists only the tables the
    // connected user has a privilege on, so a table owned by another role would go uncounted.
    const tables = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
    );
    const row = version.rows[0]!;
    return { version: row.version, publicTables: Number(tables.rows[0]!.count), tls: row.tls ?? undefined };
  } catch (error) {
    throw new DatabaseProbeError(`query failed: ${(error as Error).message}`, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class DatabaseProbeError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'DatabaseProbeError';
  }
}
