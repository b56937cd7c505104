import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { Generation } from '@dbmig/shared';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import type { PostgresServer } from '../postgres/index.js';
import { addAppSecurityGroup, addDatabaseSecurityGroup } from '../services/ec2/index.js';
import { GLOBAL_TABLE_VIEW_TYPE, enableStream } from '../services/dynamodb-streams/streams.js';
import { addCluster, addGlobalCluster, addInstance } from '../world/aurora-builders.js';
import type { DbCluster } from '../world/types.js';
import type { World } from '../world/world.js';
import { addFleetGroups } from './fleet-groups.js';
import type { Scenario, ScenarioContext } from './types.js';
import { resetReplication } from './replication.js';

/** Instances per cluster in the guide's stack (its cleanup script loops over 0 and 1). */
const INSTANCES_PER_CLUSTER = 2;
/** Replication lag of a healthy secondary, in milliseconds (AuroraGlobalDBReplicationLag's unit). */
export const HEALTHY_LAG_MS = 150;

/**
 * The guide's world after `pulumi up` for one environment: v1 serving production, v2 deployed beside it
 * (Phase 1, step 1.1 done), both as Aurora global databases across the primary and DR regions, with
 * their DynamoDB global tables, secrets, and the SSM parameters still pointing at v1.
 */
export const guideWorld: Scenario = {
  name: 'guide-world',
  description:
    "The guide's world after `pulumi up`: v1 in service, v2 deployed beside it, healthy and empty.",
  apply: async (ctx) => {
    await applyGuideAccount(ctx);
    await resetDatabases(ctx);
    // The application is connected to v1 by the time the world is ready.
    await ctx.sandbox.fleet.settle();
  },
};

/**
 * The AWS side of the guide's world: clusters, instances, global clusters, tables, secrets, parameters,
 * and the application's Auto Scaling groups (whose instances the caller awaits with `fleet.settle()`).
 */
export async function applyGuideAccount(ctx: ScenarioContext): Promise<void> {
  const { config, databases } = ctx;
  addGeneration(ctx, config.v1, databases.v1);
  addGeneration(ctx, config.v2, databases.v2);
  await createTables(ctx, [config.v1.table, config.v2.table]);
  addParameters(ctx);
  addFleetGroups(ctx);
}

function addGeneration(ctx: ScenarioContext, generation: Generation, server: PostgresServer): void {
  const { world } = ctx.sandbox;
  const { regions, database } = ctx.config;
  const now = ctx.sandbox.now();
  // In AWS the endpoints are DNS names; here both clusters point at the real PostgreSQL server that
  // stands in for this generation. Only the primary names the database (a secondary is created without).
  // A server given by URL brings its own user and database name, which may differ from the config's.
  const shared = {
    endpoint: server.host,
    readerEndpoint: server.host,
    port: server.port,
    masterUsername: server.user,
    globalClusterIdentifier: generation.globalCluster,
    createdAt: now,
  };
  // Each cluster in a security group that admits PostgreSQL from the application and from the runner.
  const groupOf = (region: string, cluster: string) => {
    const app = addAppSecurityGroup(world, region, ctx.config.environment);
    return [addDatabaseSecurityGroup(world, region, cluster, server.port, app.groupId).groupId];
  };
  const primary = addCluster(world, regions.primary, generation.primaryCluster, {
    ...shared,
    databaseName: server.database,
    vpcSecurityGroupIds: groupOf(regions.primary, generation.primaryCluster),
  });
  const dr = addCluster(world, regions.dr, generation.drCluster, {
    ...shared,
    vpcSecurityGroupIds: groupOf(regions.dr, generation.drCluster),
  });
  addInstances(world, primary, generation.primaryInstancePattern);
  addInstances(world, dr, generation.drInstancePattern);
  addGlobalCluster(world, generation.globalCluster, [
    { clusterArn: primary.arn, isWriter: true },
    { clusterArn: dr.arn, isWriter: false },
  ]);

  world.region(regions.primary).secrets.set(generation.secret, {
    name: generation.secret,
    region: regions.primary,
    arn: world.arn('secretsmanager', regions.primary, `secret:${generation.secret}-AbCdEf`),
    // A plain password, as the guide's stack stores it; for a user other than the config's, the JSON
    // document RDS-managed secrets use, so that the actions log in as that user.
    secretString:
      server.user === database.user
        ? server.password
        : JSON.stringify({ username: server.user, password: server.password }),
    versionId: `${generation.secret}-v1`,
    createdAt: now,
  });

  // AuroraGlobalDBReplicationLag exists only in the secondary region, per DR cluster.
  world.region(regions.dr).metrics.push({
    region: regions.dr,
    namespace: 'AWS/RDS',
    metricName: 'AuroraGlobalDBReplicationLag',
    dimensions: { DBClusterIdentifier: generation.drCluster },
    points: (at) => minuteSeries(at, 60, () => HEALTHY_LAG_MS),
  });
}

/** The guide's instances 0 and 1 of a cluster, the first being the writer. */
function addInstances(world: World, cluster: DbCluster, pattern: string): void {
  for (let i = 0; i < INSTANCES_PER_CLUSTER; i++) {
    addInstance(world, cluster, pattern.replace('{i}', String(i)), { isClusterWriter: i === 0 });
  }
}

/** One point a minute for the last `minutes` minutes. */
export function minuteSeries(at: Date, minutes: number, value: (minutesAgo: number) => number) {
  const end = Math.floor(at.getTime() / 60_000) * 60_000;
  return Array.from({ length: minutes }, (_, k) => ({
    timestamp: new Date(end - k * 60_000),
    value: value(k),
  }));
}

/**
 * Global tables: the table exists in both regions (kept by the sandbox's DynamoDB), and each region's
 * DescribeTable lists the other region as an ACTIVE replica. Each has its NEW_AND_OLD_IMAGES stream from
 * the start, as a global table does, so that every write to either generation's table is in a stream.
 */
async function createTables(ctx: ScenarioContext, tables: string[]): Promise<void> {
  const { regions } = ctx.config;
  const pairs: [string, string][] = [
    [regions.primary, regions.dr],
    [regions.dr, regions.primary],
  ];
  for (const [region, other] of pairs) {
    const client = new DynamoDBClient({
      region,
      endpoint: ctx.sandbox.url,
      credentials: { ...SANDBOX_CREDENTIALS },
      maxAttempts: 1,
    });
    try {
      for (const table of tables) {
        await createSessionTable(client, table);
        ctx.sandbox.world.region(region).tables.set(table, {
          tableName: table,
          region,
          replicas: [{ regionName: other, replicaStatus: 'ACTIVE' }],
        });
        enableStream(
          ctx.sandbox.world,
          region,
          table,
          GLOBAL_TABLE_VIEW_TYPE,
          SESSION_KEY_SCHEMA,
          ctx.sandbox.now(),
        );
      }
    } finally {
      client.destroy();
    }
  }
}

const SESSION_KEY_SCHEMA = [{ AttributeName: 'session_id', KeyType: 'HASH' as const }];

async function createSessionTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'session_id', AttributeType: 'S' }],
        KeySchema: SESSION_KEY_SCHEMA,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    // The lab keeps its DynamoDB between scenario loads; an existing table is the state we want.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** The parameters the applications read, still pointing at v1 (Phase 3 has not run). */
function addParameters(ctx: ScenarioContext): void {
  const { config, sandbox, databases } = ctx;
  const region = config.regions.primary;
  const parameters = sandbox.world.region(region).parameters;
  const now = sandbox.now();
  const put = (name: string, type: 'String' | 'SecureString', value: string) =>
    parameters.set(name, { name, region, type, value, version: 1, lastModifiedDate: now, tier: 'Standard' });
  put(config.parameters.endpoint, 'SecureString', `${databases.v1.host}:${databases.v1.port}`);
  put(config.parameters.passwordSecret, 'String', config.v1.secret);
  put(config.parameters.dynamodbTable, 'String', config.v1.table);
}

/**
 * Empties `public` of both servers the sandbox started, for the application user to fill. A server
 * given by URL is the user's own and is never touched.
 */
export async function emptyDatabases(ctx: ScenarioContext): Promise<void> {
  await resetReplication(ctx);
  for (const server of [ctx.databases.v1, ctx.databases.v2]) {
    if (server.external) continue;
    await server.admin((client) =>
      client.query(
        `DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public AUTHORIZATION ${client.escapeIdentifier(server.user)};`,
      ),
    );
  }
}

/**
 * v1 holds the payments data; v2 is empty, as right after `pulumi up`. The schema belongs to the
 * application user and the data is written as that user, as in production. A server given by URL keeps
 * what it holds.
 */
async function resetDatabases(ctx: ScenarioContext): Promise<void> {
  await emptyDatabases(ctx);
  if (ctx.databases.v1.external) return;
  await ctx.databases.v1.session(async (client) => {
    await client.query(`
      CREATE TABLE payments (
        id bigserial PRIMARY KEY,
        account_id text NOT NULL,
        amount_cents bigint NOT NULL,
        currency char(3) NOT NULL DEFAULT 'USD',
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO payments (account_id, amount_cents, status)
        SELECT 'acct-' || (g % 97), (g * 137) % 100000, CASE WHEN g % 10 = 0 THEN 'refunded' ELSE 'settled' END
        FROM generate_series(1, 1000) AS g;
    `);
  });
}
