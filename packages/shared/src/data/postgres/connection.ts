import pg from 'pg';
import { explainConnectError } from '../connect-errors.js';
import { tlsOptions, type SslMode } from '../ssl-mode.js';

/** One side of the migration's database, as the toolkit connects to it. */
export interface PostgresEndpoint {
  /** Which generation this is, for messages. */
  side: 'v1' | 'v2';
  host: string;
  port: number;
  database: string;
  user: string;
  /** From the side's Secrets Manager secret. Never logged, never in an error message. */
  password: string;
  sslMode: SslMode;
}

/**
 * Settings pinned on every session the toolkit opens. The copy and the parity compare what a client reads,
 * and a value's text rendering depends on the session: a timestamptz in another TimeZone, a date in another
 * DateStyle, an interval in another IntervalStyle, a regclass under another search_path, money under another
 * lc_monetary. Pinning them on both servers makes the same data render the same, whatever each server's own
 * defaults. The timeouts are lifted because a copy holds one snapshot open for as long as it runs, and a
 * role's statement_timeout or idle_in_transaction_session_timeout would cut a long table short.
 */
export const PINNED_SESSION_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  TimeZone: 'UTC',
  DateStyle: 'ISO, YMD',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
  search_path: '',
  lc_monetary: 'C',
  standard_conforming_strings: 'on',
  statement_timeout: '0',
  idle_in_transaction_session_timeout: '0',
});

/** A connection the server refused or could not be reached; the message says why, without the password. */
export class PostgresConnectError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'PostgresConnectError';
  }
}

/** `v1 127.0.0.1:5432/paymentsdb`: where a message points, never with credentials. */
export function describeEndpoint(endpoint: PostgresEndpoint): string {
  return `${endpoint.side} ${endpoint.host}:${endpoint.port}/${endpoint.database}`;
}

export function quoteIdent(name: string): string {
  return pg.escapeIdentifier(name);
}

export function qualifiedName(table: { schema: string; name: string }): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/** How every session of the toolkit reaches a server; `purpose` becomes part of application_name. */
export function clientConfig(endpoint: PostgresEndpoint, purpose: string): pg.ClientConfig {
  return {
    host: endpoint.host,
    port: endpoint.port,
    database: endpoint.database,
    user: endpoint.user,
    password: endpoint.password,
    ssl: tlsOptions(endpoint.sslMode),
    connectionTimeoutMillis: 10_000,
    application_name: `db-migration-toolkit ${purpose}`.slice(0, 63),
  };
}

/**
 * A connected session with the pinned settings applied. `purpose` becomes part of application_name, so that
 * a DBA looking at pg_stat_activity sees which of the toolkit's sessions is which.
 */
export async function connectPostgres(endpoint: PostgresEndpoint, purpose = 'session'): Promise<pg.Client> {
  const client = new pg.Client(clientConfig(endpoint, purpose));
  // A server that goes away under an open session emits 'error' on the client; without a listener that
  // would crash the process instead of failing the query in progress.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new PostgresConnectError(
      `${endpoint.side}: ${explainConnectError(error, withoutPassword(endpoint))}`,
      error,
    );
  }
  try {
    // SET rather than the startup `options` packet: poolers such as RDS Proxy refuse startup options.
    await client.query(
      Object.entries(PINNED_SESSION_SETTINGS)
        .map(([name, value]) => `SET ${name} = ${pg.escapeLiteral(value)}`)
        .join('; '),
    );
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

function withoutPassword({ host, port, database, user, sslMode }: PostgresEndpoint) {
  return { host, port, database, user, sslMode };
}

/** Runs `fn` on a fresh session and closes it afterwards, whatever happens. */
export async function withPostgres<T>(
  endpoint: PostgresEndpoint,
  fn: (client: pg.Client) => Promise<T>,
  purpose?: string,
): Promise<T> {
  const client = await connectPostgres(endpoint, purpose);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
