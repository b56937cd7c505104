import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { RequestContext } from '../../protocols/types.js';
import type { DmsEndpoint } from '../../world/types.js';
import { findSecret } from '../secrets-manager/store.js';
import { accessDenied } from './errors.js';

/** Where and how DMS logs in for an endpoint. */
export interface EndpointCredentials {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: false | ConnectionOptions;
}

/** The endpoint cannot be used: the secret is missing or not what DMS reads. A test or a task fails with this message. */
export class EndpointUnusable extends Error {}

/**
 * The endpoint's credentials: its inline ServerName/Port/Username/Password, or its secret, read with
 * its access role. DMS reads a secret as JSON with `username`, `password`, `host` and `port`
 * (replication.md §3); a role DMS cannot assume is AccessDeniedFault.
 */
export function endpointCredentials(ctx: RequestContext, endpoint: DmsEndpoint): EndpointCredentials {
  const ssl = endpoint.sslMode === 'none' ? false : { rejectUnauthorized: false };
  if (!endpoint.secretId) {
    return {
      host: endpoint.serverName ?? '',
      port: endpoint.port ?? 5432,
      user: endpoint.username ?? '',
      password: endpoint.password ?? '',
      database: endpoint.databaseName,
      ssl,
    };
  }
  const role = endpoint.secretsAccessRoleArn ?? '';
  if (!ctx.world.region(ctx.region).dms.secretsAccessRoles.has(role)) {
    throw accessDenied(
      `Failed to assume role ${role || '(none)'} for endpoint ${endpoint.identifier}: DMS is not authorized to perform sts:AssumeRole on it.`,
    );
  }
  const secret = findSecret(ctx, endpoint.secretId);
  if (!secret || secret.deletedAt) {
    throw new EndpointUnusable(
      `Failed to retrieve the secret ${endpoint.secretId} from AWS Secrets Manager: Secrets Manager can't find the specified secret.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret.secretString);
  } catch {
    parsed = undefined;
  }
  const { username, password, host, port } = (parsed ?? {}) as Record<string, unknown>;
  const portNumber = typeof port === 'string' ? Number(port) : port;
  if (
    typeof username !== 'string' ||
    typeof password !== 'string' ||
    typeof host !== 'string' ||
    typeof portNumber !== 'number' ||
    !Number.isInteger(portNumber)
  ) {
    throw new EndpointUnusable(
      `Failed to retrieve connection details from secret ${endpoint.secretId}: the secret value must be a JSON document with "username", "password", "host" and "port".`,
    );
  }
  return { host, port: portNumber, user: username, password, database: endpoint.databaseName, ssl };
}

/** A new client for the endpoint, connected; `replication: 'database'` opens a walsender. */
export async function connectTo(
  credentials: EndpointCredentials,
  options: { replication?: boolean } = {},
): Promise<pg.Client> {
  const client = new pg.Client({
    host: credentials.host,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    database: credentials.database,
    ssl: credentials.ssl,
    connectionTimeoutMillis: 10_000,
    ...(options.replication ? { replication: 'database' } : {}),
  } as pg.ClientConfig);
  // A server stopped under an open session emits 'error' on the client: without a listener the process would crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

export async function withEndpoint<T>(
  credentials: EndpointCredentials,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connectTo(credentials);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** DMS's wording for a connection PostgreSQL refused. */
export function connectFailure(credentials: EndpointCredentials, error: unknown): string {
  return `Can't connect to the PostgreSQL server ${credentials.host}:${credentials.port} (database ${credentials.database}): ${(error as Error).message}`;
}
