import pg from 'pg';
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
    ssl: tlsOptions(target.sslMode, target.host),
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
    const version = await client.query<{ version: string }>('SELECT version() AS version');
    // pg_catalog, not the guide's information_schema.tables: the latter lists only the tables the
    // connected user has a privilege on, so a table owned by another role would go uncounted.
    const tables = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
    );
    return { version: version.rows[0]!.version, publicTables: Number(tables.rows[0]!.count) };
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

/** pg and Node error codes → what an operator should look at. Never includes the password. */
function explainConnectError(error: unknown, target: DatabaseTarget): string {
  const where = `${target.host}:${target.port}/${target.database} as ${target.user}`;
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  switch (code) {
    case '28P01':
    case '28000':
      return `authentication failed at ${where}: the password in the secret is not the database's`;
    case '3D000':
      return `database "${target.database}" does not exist at ${target.host}:${target.port}`;
    case 'ECONNREFUSED':
      return `connection refused at ${target.host}:${target.port}: the endpoint does not accept connections`;
    case 'ETIMEDOUT':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
      return `cannot reach ${target.host}:${target.port} (${code}): check the cluster's security group allows this runner (see the guide's troubleshooting)`;
  }
  if (/does not support SSL/i.test(message)) {
    return `${target.host}:${target.port} does not accept TLS connections (ssl-mode ${target.sslMode})`;
  }
  if (/timeout/i.test(message)) {
    return `connection to ${where} timed out: check the cluster's security group allows this runner`;
  }
  return `cannot connect to ${where}: ${message}`;
}
