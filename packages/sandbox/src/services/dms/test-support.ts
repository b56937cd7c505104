/**
 * Shared steps of the DMS tests: a JSON secret per database, endpoints for v1 (source) and v2 (target),
 * and helpers over the real DMS client. Never imported by the sandbox itself.
 */
import {
  CreateEndpointCommand,
  CreateReplicationTaskCommand,
  DatabaseMigrationServiceClient,
  DescribeReplicationInstancesCommand,
  DescribeTableStatisticsCommand,
  type TableStatistics,
} from '@aws-sdk/client-database-migration-service';
import type { Lab } from '../../lab.js';
import type { PostgresServer } from '../../postgres/index.js';
import { sandboxClient } from '../../test-support.js';
import { DMS_SECRETS_ACCESS_ROLE_ARN } from './instances.js';

/** Fast waiters: the sandbox's transitions take a fraction of a second. */
export const WAIT = { minDelay: 0.2, maxDelay: 0.5, maxWaitTime: 60 };

export function dmsClient(lab: Lab): DatabaseMigrationServiceClient {
  return sandboxClient(DatabaseMigrationServiceClient, lab.sandbox, lab.config.regions.primary);
}

/** A secret as DMS reads it, in the primary Region; `value` replaces the JSON document. */
export function putSecret(lab: Lab, name: string, server: PostgresServer, value?: string): string {
  const region = lab.config.regions.primary;
  const arn = lab.sandbox.world.arn('secretsmanager', region, `secret:${name}-AbCdEf`);
  lab.sandbox.world.region(region).secrets.set(name, {
    name,
    region,
    arn,
    secretString:
      value ??
      JSON.stringify({
        username: server.user,
        password: server.password,
        host: server.host,
        port: server.port,
      }),
    versionId: `${name}-v1`,
    createdAt: new Date(),
  });
  return arn;
}

export async function instanceArn(client: DatabaseMigrationServiceClient, lab: Lab): Promise<string> {
  const { ReplicationInstances } = await client.send(
    new DescribeReplicationInstancesCommand({
      Filters: [{ Name: 'replication-instance-id', Values: [`dms-${lab.config.environment}`] }],
    }),
  );
  return ReplicationInstances![0]!.ReplicationInstanceArn!;
}

export async function createEndpoint(
  client: DatabaseMigrationServiceClient,
  identifier: string,
  type: 'source' | 'target',
  database: string,
  secretArn: string,
  role = DMS_SECRETS_ACCESS_ROLE_ARN,
): Promise<string> {
  const { Endpoint } = await client.send(
    new CreateEndpointCommand({
      EndpointIdentifier: identifier,
      EndpointType: type,
      EngineName: 'aurora-postgresql',
      DatabaseName: database,
      PostgreSQLSettings: { SecretsManagerSecretId: secretArn, SecretsManagerAccessRoleArn: role },
    }),
  );
  return Endpoint!.EndpointArn!;
}

/** Both endpoints of the lab's v1 → v2 move. */
export async function labEndpoints(
  client: DatabaseMigrationServiceClient,
  lab: Lab,
  prefix: string,
): Promise<{ source: string; target: string }> {
  const { v1, v2 } = lab.databases;
  const source = await createEndpoint(
    client,
    `${prefix}-v1`,
    'source',
    v1.database,
    putSecret(lab, `${prefix}/v1`, v1),
  );
  const target = await createEndpoint(
    client,
    `${prefix}-v2`,
    'target',
    v2.database,
    putSecret(lab, `${prefix}/v2`, v2),
  );
  return { source, target };
}

export const ALL_PUBLIC = JSON.stringify({
  rules: [
    {
      'rule-type': 'selection',
      'rule-id': '1',
      'rule-name': 'all',
      'object-locator': { 'schema-name': 'public', 'table-name': '%' },
      'rule-action': 'include',
    },
  ],
});

export function taskSettings(mode: 'DO_NOTHING' | 'TRUNCATE_BEFORE_LOAD', validation: boolean): string {
  return JSON.stringify({
    FullLoadSettings: { TargetTablePrepMode: mode },
    ValidationSettings: { EnableValidation: validation },
  });
}

export async function createTask(
  client: DatabaseMigrationServiceClient,
  lab: Lab,
  identifier: string,
  endpoints: { source: string; target: string },
  options: { mappings?: string; settings?: string } = {},
): Promise<string> {
  const { ReplicationTask } = await client.send(
    new CreateReplicationTaskCommand({
      ReplicationTaskIdentifier: identifier,
      SourceEndpointArn: endpoints.source,
      TargetEndpointArn: endpoints.target,
      ReplicationInstanceArn: await instanceArn(client, lab),
      MigrationType: 'full-load-and-cdc',
      TableMappings: options.mappings ?? ALL_PUBLIC,
      ReplicationTaskSettings: options.settings ?? taskSettings('DO_NOTHING', true),
    }),
  );
  return ReplicationTask!.ReplicationTaskArn!;
}

export async function tableStatistics(
  client: DatabaseMigrationServiceClient,
  taskArn: string,
): Promise<TableStatistics[]> {
  const { TableStatistics } = await client.send(
    new DescribeTableStatisticsCommand({ ReplicationTaskArn: taskArn }),
  );
  return TableStatistics ?? [];
}

/** Polls `check` until it returns true, for at most `ms`. */
export async function eventually(
  check: () => Promise<boolean>,
  ms = 30_000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What replication objects the two servers hold: none once a task is deleted. */
export async function replicationObjects(
  lab: Lab,
): Promise<{ slots: number; publications: number; subscriptions: number }> {
  const count = (server: PostgresServer, sql: string) =>
    server.admin(async (c) => Number((await c.query<{ n: string }>(sql)).rows[0]!.n));
  return {
    slots: await count(lab.databases.v1, 'SELECT count(*)::text AS n FROM pg_replication_slots'),
    publications: await count(lab.databases.v1, 'SELECT count(*)::text AS n FROM pg_publication'),
    subscriptions: await count(lab.databases.v2, 'SELECT count(*)::text AS n FROM pg_subscription'),
  };
}
