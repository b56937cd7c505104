import {
  DeleteTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { addReplicationInstance } from '../services/dms/index.js';
import { setClusterParameter } from '../services/rds/cluster-parameters.js';
import { applyGuideAccount, emptyDatabases } from './guide-world.js';
import { DEFAULT_PAYMENT_ROWS, seedPayments } from './payments-data.js';
import { DEFAULT_SESSION_ITEMS, seedSessions } from './sessions-data.js';
import { grantReplication } from './replication.js';
import type { Scenario, ScenarioContext } from './types.js';

export interface PaymentsWorldOptions {
  name: string;
  description: string;
  /** Rows in v1's `payments` table (see seedPayments). */
  rows: number;
  /** Items in the v1 sessions table (see seedSessions). */
  items: number;
  /**
   * Both primary clusters ready for logical replication, as `replication: logical` needs: a cluster
   * parameter group with rds.logical_replication = 1 (writer rebooted), and the rights Aurora's master
   * user has. Otherwise the default group, where it is 0, as AWS starts a cluster.
   */
  logicalReplication?: boolean;
}

/** Attempts per seeding call: the sandbox may be asked to throttle; a seed should ride that out. */
const SEED_MAX_ATTEMPTS = 8;

/**
 * The guide's world on the eve of Phase 2: v1 holds a payments-like database and a sessions table with
 * every DynamoDB attribute type, v2 is deployed beside it and empty. A v1 given by URL is the user's own
 * data and is not seeded; the sessions table, which lives in the sandbox, always is.
 */
export function createPaymentsWorld(options: PaymentsWorldOptions): Scenario {
  return {
    name: options.name,
    description: options.description,
    apply: async (ctx) => {
      const { config } = ctx;
      // The lab keeps its DynamoDB between scenario loads: start both tables afresh, so that v1 holds
      // exactly the seeded items and v2 none (a copy from an earlier load would otherwise remain).
      await dropTables(ctx, [config.v1.table, config.v2.table]);
      await applyGuideAccount(ctx);
      await emptyDatabases(ctx);
      if (options.logicalReplication) await enableLogicalReplication(ctx);
      if (!ctx.databases.v1.external) await seedPayments(ctx.databases.v1, { rows: options.rows });
      await withDynamoDb(ctx, config.regions.primary, (client) =>
        seedSessions(client, config.v1.table, { items: options.items }),
      );
      await ctx.sandbox.fleet.settle();
    },
  };
}

/** What the infrastructure code does for `replication: logical`, on both primary clusters. */
async function enableLogicalReplication(ctx: ScenarioContext): Promise<void> {
  const { config, sandbox } = ctx;
  for (const generation of [config.v1, config.v2]) {
    const cluster = sandbox.world.region(config.regions.primary).clusters.get(generation.primaryCluster);
    if (cluster) setClusterParameter(sandbox.world, cluster, 'rds.logical_replication', '1');
  }
  await grantReplication(ctx);
  // The user's stack also deploys a DMS replication instance, and the role DMS reads secrets with.
  addReplicationInstance(sandbox.world, config.regions.primary, `dms-${config.environment}`);
}

export const paymentsWorld = createPaymentsWorld({
  name: 'payments-world',
  description: `Before Phase 2: v1 holds payments data (${DEFAULT_PAYMENT_ROWS.toLocaleString('en-US')} payments) and ${DEFAULT_SESSION_ITEMS.toLocaleString('en-US')} sessions of every DynamoDB type; v2 is empty.`,
  rows: DEFAULT_PAYMENT_ROWS,
  items: DEFAULT_SESSION_ITEMS,
});

export const paymentsWorldReplication = createPaymentsWorld({
  name: 'payments-world-replication',
  description:
    'payments-world with both primary clusters ready for logical replication (rds.logical_replication = 1 in their cluster parameter groups).',
  rows: DEFAULT_PAYMENT_ROWS,
  items: DEFAULT_SESSION_ITEMS,
  logicalReplication: true,
});

/** The rehearsal's size: a few hundred thousand rows in the biggest table. */
export const LARGE_PAYMENT_ROWS = 300_000;
export const LARGE_SESSION_ITEMS = 10_000;

export const paymentsWorldLarge = createPaymentsWorld({
  name: 'payments-world-large',
  description: `payments-world at rehearsal size: ${LARGE_PAYMENT_ROWS.toLocaleString('en-US')} payments, ${LARGE_SESSION_ITEMS.toLocaleString('en-US')} sessions (takes a while to seed).`,
  rows: LARGE_PAYMENT_ROWS,
  items: LARGE_SESSION_ITEMS,
});

async function withDynamoDb<T>(
  ctx: ScenarioContext,
  region: string,
  fn: (client: DynamoDBClient) => Promise<T>,
): Promise<T> {
  const client = new DynamoDBClient({
    region,
    endpoint: ctx.sandbox.url,
    credentials: { ...SANDBOX_CREDENTIALS },
    maxAttempts: SEED_MAX_ATTEMPTS,
  });
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** Deletes the tables in both regions, where they exist, and waits until they are gone. */
async function dropTables(ctx: ScenarioContext, tables: string[]): Promise<void> {
  const { regions } = ctx.config;
  for (const region of [regions.primary, regions.dr]) {
    await withDynamoDb(ctx, region, async (client) => {
      for (const table of tables) {
        try {
          await client.send(new DeleteTableCommand({ TableName: table }));
        } catch (error) {
          if (error instanceof ResourceNotFoundException) continue;
          throw error;
        }
        await waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: table });
      }
    });
  }
}
