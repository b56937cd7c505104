import pg from 'pg';
import type { DatabaseUrl } from './database-url.js';
import type { PostgresServer } from './server.js';

/** A host that drops packets would otherwise hold a start for the OS's TCP timeout (minutes). */
const CONNECT_TIMEOUT_MS = 15_000;

export interface AttachPostgresOptions {
  /** Label for messages, e.g. `v1`. */
  name: string;
  /** The checked URL (see `parseDatabaseUrl`). */
  url: DatabaseUrl;
  /** Where the URL came from, for messages: `--v1-database-url`. */
  flag: string;
}

/**
 * A PostgreSQL server the user already runs (a restored copy of production, an empty server), given by
 * URL, so that a rehearsal copies and compares real data. The sandbox never changes such a server:
 * `admin()` and `setTlsRequired()` refuse, `session()` runs read-only, and `stop()` leaves it running.
 * Connects once, to fail now, naming the flag, when the server cannot be reached or refuses the login.
 */
export async function attachPostgres(options: AttachPostgresOptions): Promise<PostgresServer> {
  const { name, url, flag } = options;
  const scrub = (text: string): string => text.split(url.password).join('***');
  const untouchable = (what: string) =>
    new Error(
      `${what} refused: the ${name} database ${url.redacted} was given by ${flag}, and the sandbox never ` +
        'changes a database given that way. Use a server the sandbox starts (leave out the flag) for a ' +
        'scenario that changes its database.',
    );
  // Read-only after connecting rather than through the `options` startup parameter, which an
  // `options=` in the user's URL would replace.
  const readOnlySession = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  let versionNum: number;
  try {
    versionNum = await readOnlySession(async (client) => {
      const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
      return Number(rows[0]?.v);
    });
  } catch (error) {
    const reason = scrub(error instanceof Error ? error.message : String(error));
    throw new Error(
      `${flag}: cannot connect to ${url.redacted}: ${reason}. Check that the server runs, is reachable ` +
        'from this machine, and accepts that user and password for that database.',
    );
  }

  return {
    name,
    host: url.host,
    port: url.port,
    user: url.user,
    password: url.password,
    database: url.database,
    major: Math.floor(versionNum / 10_000),
    external: true,
    connectionString: () => url.url,
    redactedUrl: () => url.redacted,
    admin: () => Promise.reject(untouchable('admin()')),
    session: readOnlySession,
    tls: undefined,
    setTlsRequired: () => Promise.reject(untouchable('setTlsRequired()')),
    logs: () => '',
    stop: () => Promise.resolve(),
  };
}
