import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  runAction,
  sandboxClient,
  type ActionRun,
  type Lab,
  type PostgresServer,
  type RunActionOptions,
} from '@dbmig/sandbox';
import { compareTables, Ledger } from '@dbmig/shared';

export { errorsOf, everythingPrinted } from '@dbmig/sandbox';

/** Runs migrate-data's bundled dist/ as the runner does, against the lab's sandbox. */
export function runMigrate(
  lab: Lab,
  inputs: Record<string, string> = {},
  options: Partial<Pick<RunActionOptions, 'env' | 'onSpawn'>> = {},
): Promise<ActionRun> {
  return runAction({
    actionDir: 'actions/migrate-data',
    inputs: { environment: 'dev', ...inputs },
    env: { ...lab.env(), ...options.env },
    timeoutMs: 180_000,
    ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
  });
}

/** A digest of every table's rows, as text, in a fixed order: what a test compares between v1 and v2. */
export async function tableDigests(server: PostgresServer): Promise<Record<string, string>> {
  // As the superuser: a test may leave a table the application user cannot read (the v2-not-empty world).
  return server.admin(async (client) => {
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const digests: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const result = await client.query<{ digest: string | null; n: string }>(
        `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest, count(*) AS n FROM ${name} t`,
      );
      digests[name] = `${result.rows[0]!.n} rows ${result.rows[0]!.digest ?? 'empty'}`;
    }
    return digests;
  });
}

/** A DynamoDB client of the test's own, pointed at the lab's sandbox. */
export function labDynamoDb(lab: Lab, region = lab.config.regions.primary): DynamoDBClient {
  const env = lab.env();
  return new DynamoDBClient({
    region,
    endpoint: lab.sandbox.url,
    credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']! },
    maxAttempts: 3,
  });
}

/** Whether the v1 and v2 session tables hold the same items, by the toolkit's own parity. */
export async function tablesEqual(lab: Lab): Promise<boolean> {
  const client = labDynamoDb(lab);
  try {
    const parity = await compareTables({
      v1: { client, table: lab.config.v1.table },
      v2: { client, table: lab.config.v2.table },
    });
    return parity.equal && parity.v1Items > 0;
  } finally {
    client.destroy();
  }
}

/** The AWS operations a run made that change something. */
export function mutatingCalls(lab: Lab, from: number): string[] {
  return lab.sandbox.requests
    .slice(from)
    .map((r) => `${r.service}:${r.operation}`)
    .filter((op) => !/:(Describe|Get|List|Scan|Query)/.test(op));
}

/** The types of the events in the environment's ledger, in order, read through the toolkit's own Ledger. */
export async function ledgerTypes(lab: Lab): Promise<string[]> {
  const ssm = sandboxClient(SSMClient, lab.sandbox, lab.config.regions.primary);
  try {
    const view = await new Ledger({
      ssm,
      environment: lab.config.environment,
      onSecret: () => undefined,
    }).read();
    return view.events.map((event) => event.type);
  } finally {
    ssm.destroy();
  }
}
