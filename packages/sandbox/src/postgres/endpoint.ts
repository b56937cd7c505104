import type { PostgresEndpoint, SslMode } from '@dbmig/shared';
import type { PostgresServer } from './server.js';

/**
 * How the toolkit's PostgreSQL code reaches one of the lab's servers, as the actions would after reading
 * the cluster's endpoint and the secret. Plain text by default: tests of the data code are about data,
 * and the TLS paths have tests of their own.
 */
export function endpointOf(
  server: PostgresServer,
  side: 'v1' | 'v2',
  sslMode: SslMode = 'disable',
): PostgresEndpoint {
  return {
    side,
    host: server.host,
    port: server.port,
    database: server.database,
    user: server.user,
    password: server.password,
    sslMode,
  };
}
