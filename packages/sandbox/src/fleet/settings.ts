import type { AutoScalingGroup, DbCluster, RegionState } from '../world/types.js';
import type { World } from '../world/world.js';

/** The three SSM parameters the application reads at start, by their names in the guide. */
export interface ParameterNames {
  endpoint: string;
  passwordSecret: string;
  dynamodbTable: string;
}

/**
 * The names a group's application reads: the group's own, else the guide's `/app/{env}/...` for the
 * environment its log group (`/aws/application/{env}`) names.
 */
export function parameterNamesOf(group: AutoScalingGroup): ParameterNames {
  if (group.parameterNames) return group.parameterNames;
  const env = group.logGroup.split('/').filter(Boolean).pop() ?? 'dev';
  return {
    endpoint: `/app/${env}/database/endpoint`,
    passwordSecret: `/app/${env}/database/password-secret`,
    dynamodbTable: `/app/${env}/dynamodb/table`,
  };
}

/** Where an instance's database connections go, resolved from the parameters when it started. */
export interface DatabaseTarget {
  /** The cluster the endpoint names, when the world has one at that host and port. */
  cluster?: DbCluster;
  host: string;
  port: number;
  user: string;
  /** Never logged. */
  password: string;
  database: string;
}

/** What an instance read when it started: either a database to connect to, or why it has none. */
export interface AppSettings {
  /** The DynamoDB table the application uses; undefined when the parameter is missing. */
  table?: string;
  database: DatabaseTarget | { problem: string; cluster?: DbCluster };
}

/** PostgreSQL's port when an endpoint parameter holds the bare host (the guide's form). */
const DEFAULT_PORT = 5432;

/**
 * Reads the parameters as the application does when it starts, straight from the world (so that the
 * request log shows only the toolkit's calls): each from the first of the group's `parameterRegions`
 * that holds it, and the secret the password-secret parameter names by the same rule.
 */
export function readSettings(world: World, group: AutoScalingGroup): AppSettings {
  const names = parameterNamesOf(group);
  const regions = group.parameterRegions.map((r) => existingRegion(world, r)).filter(isRegion);
  const parameter = (name: string) => {
    for (const region of regions) {
      const found = region.parameters.get(name);
      if (found) return found.value;
    }
    return undefined;
  };
  const table = parameter(names.dynamodbTable);
  const endpoint = parameter(names.endpoint);
  if (endpoint === undefined)
    return { table, database: { problem: `parameter ${names.endpoint} not found` } };
  const { host, port } = parseEndpoint(endpoint);
  const cluster = clusterAt(world, host, port);
  if (!cluster) {
    return { table, database: { problem: `no database cluster answers at ${host}:${port}` } };
  }
  const secretName = parameter(names.passwordSecret);
  if (secretName === undefined) {
    return { table, database: { problem: `parameter ${names.passwordSecret} not found`, cluster } };
  }
  const secret = regions.map((r) => r.secrets.get(secretName)).find((s) => s !== undefined);
  if (!secret) return { table, database: { problem: `secret ${secretName} not found`, cluster } };
  if (secret.deletedAt) {
    return { table, database: { problem: `secret ${secretName} is scheduled for deletion`, cluster } };
  }
  const credentials = parseSecret(secret.secretString);
  return {
    table,
    database: {
      cluster,
      host,
      port,
      user: credentials.username ?? cluster.masterUsername,
      password: credentials.password,
      database: cluster.databaseName ?? writerOf(world, cluster)?.databaseName ?? 'postgres',
    },
  };
}

export function isTarget(database: AppSettings['database']): database is DatabaseTarget {
  return !('problem' in database);
}

/** `host:port`, or a bare host (port 5432). */
export function parseEndpoint(value: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(value.trim());
  return match ? { host: match[1]!, port: Number(match[2]) } : { host: value.trim(), port: DEFAULT_PORT };
}

/**
 * The cluster whose writer or reader endpoint is `host:port`. A generation's primary and DR clusters
 * share one server in the sandbox, so the global cluster's writer is preferred, then a cluster that
 * names a database (a secondary is created without one).
 */
export function clusterAt(world: World, host: string, port: number): DbCluster | undefined {
  const matches: DbCluster[] = [];
  for (const name of world.regionNames()) {
    for (const cluster of world.region(name).clusters.values()) {
      const named = cluster.endpoint === host || cluster.readerEndpoint === host;
      if (named && cluster.port === port) matches.push(cluster);
    }
  }
  return (
    matches.find((c) => isGlobalWriter(world, c)) ??
    matches.find((c) => c.databaseName !== undefined) ??
    matches[0]
  );
}

function isGlobalWriter(world: World, cluster: DbCluster): boolean {
  const global = cluster.globalClusterIdentifier
    ? world.globalClusters.get(cluster.globalClusterIdentifier)
    : undefined;
  return global?.members.some((m) => m.clusterArn === cluster.arn && m.isWriter) ?? false;
}

function writerOf(world: World, cluster: DbCluster): DbCluster | undefined {
  const global = cluster.globalClusterIdentifier
    ? world.globalClusters.get(cluster.globalClusterIdentifier)
    : undefined;
  const writerArn = global?.members.find((m) => m.isWriter)?.clusterArn;
  if (!writerArn) return undefined;
  for (const name of world.regionNames()) {
    for (const candidate of world.region(name).clusters.values()) {
      if (candidate.arn === writerArn) return candidate;
    }
  }
  return undefined;
}

/** A plain password, or the JSON document RDS-style secrets hold (`{username, password, ...}`). */
function parseSecret(secretString: string): { username?: string; password: string } {
  try {
    const parsed: unknown = JSON.parse(secretString);
    if (
      parsed &&
      typeof parsed === 'object' &&
      typeof (parsed as { password?: unknown }).password === 'string'
    ) {
      const { username, password } = parsed as { username?: unknown; password: string };
      return { password, ...(typeof username === 'string' ? { username } : {}) };
    }
  } catch {
    // Not JSON: the guide's plain password.
  }
  return { password: secretString };
}

/** The Region's state if the world has it; reading must not create Regions the scenario never made. */
export function existingRegion(world: World, name: string): RegionState | undefined {
  return world.regionNames().includes(name) ? world.region(name) : undefined;
}

function isRegion(region: RegionState | undefined): region is RegionState {
  return region !== undefined;
}
