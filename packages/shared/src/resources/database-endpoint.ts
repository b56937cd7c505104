import type { AwsClients } from '../aws/index.js';
import type { MigrationConfig } from '../config/index.js';
import type { PostgresEndpoint } from '../data/postgres/connection.js';
import type { SslMode } from '../data/ssl-mode.js';
import { VerdictError } from '../errors/index.js';
import { describeCluster } from './aurora.js';
import { readDatabaseSecret } from './secret.js';

export interface EndpointOptions {
  /** Only DescribeDBClusters and GetSecretValue are called. */
  clients: Pick<AwsClients, 'rds' | 'secretsManager'>;
  config: MigrationConfig;
  side: 'v1' | 'v2';
  sslMode: SslMode;
  /** Registers a secret value before it can reach any output. */
  mask(secret: string): void;
}

/**
 * Where one generation's writer is and how to log in, read from AWS the way the application does: the
 * primary cluster's writer endpoint (DescribeDBClusters in the primary region) and the password from that
 * generation's Secrets Manager secret, masked as soon as it is read. The guide's scripts pass the password
 * on the command line; here it never leaves this process's memory except on the wire to the database.
 */
export async function resolveDatabaseEndpoint(options: EndpointOptions): Promise<PostgresEndpoint> {
  const { clients, config, side } = options;
  const generation = config[side];
  const region = config.regions.primary;
  const [cluster, secret] = await Promise.all([
    describeCluster(clients.rds(region), generation.primaryCluster),
    readDatabaseSecret(clients.secretsManager(region), generation.secret),
  ]);
  if (secret) {
    options.mask(secret.raw);
    options.mask(secret.credentials.password);
  }
  if (!cluster) {
    throw new VerdictError(
      `the ${side} primary cluster ${generation.primaryCluster} does not exist in ${region}: check the environment and the config file's ${side}.primary-cluster`,
    );
  }
  if (!cluster.Endpoint || !cluster.Port) {
    throw new VerdictError(
      `the ${side} primary cluster ${generation.primaryCluster} in ${region} has no writer endpoint yet (status ${cluster.Status ?? 'unknown'}): wait until it is available`,
    );
  }
  if (!secret) {
    throw new VerdictError(
      `the ${side} secret ${generation.secret} does not exist in ${region}: check the config file's ${side}.secret`,
    );
  }
  return {
    side,
    host: cluster.Endpoint,
    port: cluster.Port,
    database: cluster.DatabaseName ?? config.database.name,
    user: secret.credentials.username ?? config.database.user,
    password: secret.credentials.password,
    sslMode: options.sslMode,
  };
}
