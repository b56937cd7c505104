import {
  DatabaseMigrationServiceClient,
  DescribeEndpointsCommand,
  DescribeReplicationInstancesCommand,
  DescribeReplicationTasksCommand,
} from '@aws-sdk/client-database-migration-service';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sandboxClient, type Lab } from '@dbmig/sandbox';

/*
 * What a test of `replication: dms` sets up in the sandbox: the secrets in the form DMS reads, the
 * inputs that name the replication instance and the access role, and a look at what DMS holds.
 */

export const DMS_ROLE = 'arn:aws:iam::123456789012:role/dms-secrets-access';

export function dmsClient(lab: Lab): DatabaseMigrationServiceClient {
  return sandboxClient(DatabaseMigrationServiceClient, lab.sandbox, lab.config.regions.primary);
}

/** The scenario's replication instance. */
export async function replicationInstanceArn(dms: DatabaseMigrationServiceClient): Promise<string> {
  const out = await dms.send(new DescribeReplicationInstancesCommand({}));
  return out.ReplicationInstances![0]!.ReplicationInstanceArn!;
}

/** The secrets DMS reads, in its form (`<secret>-dms`): the guide's hold a bare password. */
export async function dmsSecrets(lab: Lab): Promise<void> {
  const secrets = sandboxClient(SecretsManagerClient, lab.sandbox, lab.config.regions.primary);
  try {
    for (const [name, server] of [
      [`${lab.config.v1.secret}-dms`, lab.databases.v1],
      [`${lab.config.v2.secret}-dms`, lab.databases.v2],
    ] as const) {
      await secrets.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: JSON.stringify({
            username: server.user,
            password: server.password,
            host: server.host,
            port: server.port,
          }),
        }),
      );
    }
  } finally {
    secrets.destroy();
  }
}

/** migrate-data's inputs for `replication: dms` against the scenario's instance, polling every second. */
export function dmsInputs(
  lab: Lab,
  instanceArn: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    steps: 'postgres,dynamodb',
    replication: 'dms',
    'dms-replication-instance-arn': instanceArn,
    'dms-access-role-arn': DMS_ROLE,
    'dms-v1-secret': `${lab.config.v1.secret}-dms`,
    'dms-v2-secret': `${lab.config.v2.secret}-dms`,
    'dms-poll-seconds': '1',
    'allow-replica-identity-full': 'true',
    ...extra,
  };
}

/** The tasks and endpoints DMS holds, by identifier. */
export async function dmsObjects(
  dms: DatabaseMigrationServiceClient,
): Promise<{ tasks: string[]; endpoints: string[] }> {
  const [tasks, endpoints] = await Promise.all([
    dms.send(new DescribeReplicationTasksCommand({})).catch(() => ({ ReplicationTasks: [] })),
    dms.send(new DescribeEndpointsCommand({})).catch(() => ({ Endpoints: [] })),
  ]);
  return {
    tasks: (tasks.ReplicationTasks ?? []).map((t) => t.ReplicationTaskIdentifier!),
    endpoints: (endpoints.Endpoints ?? []).map((e) => e.EndpointIdentifier!),
  };
}
