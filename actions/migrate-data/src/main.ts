import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  Ledger,
  migrateData,
  refuseCopyOntoLiveV2,
  migrationEvents,
  recordVerdicts,
  resultTables,
  setUpAction,
  writeMigrateSummary,
  type ActionIO,
} from '@dbmig/shared';
import { Outputs, readInputs } from './inputs.js';

/**
 * The services Phase 2 calls, and only those (each SDK client package is bundled whole): RDS for the
 * clusters and the snapshot, DynamoDB for the backup and the copy, DynamoDB Streams for the writes made
 * during it (`replication: logical` or `dms`), DMS for `replication: dms`, Secrets Manager for both
 * passwords, SSM for the copy's checkpoint and the stream's positions.
 */
const services = {
  rds: RDSClient,
  dynamodb: DynamoDBClient,
  dynamodbStreams: DynamoDBStreamsClient,
  dms: DatabaseMigrationServiceClient, // replication: dms
  secretsManager: SecretsManagerClient,
  ssm: SSMClient,
};

/** Phase 2 (steps 2.1 to 2.3): back up v1, then copy its PostgreSQL and DynamoDB data into v2. */
export async function migrateDataAction(io: ActionIO): Promise<void> {
  const inputs = readInputs(io);
  const { config, clients } = await setUpAction(io, inputs, services);
  try {
    const options = {
      steps: inputs.steps,
      jobs: inputs.jobs,
      allowNonEmptyTarget: inputs.allowNonEmptyTarget,
      schema: inputs.schema,
      ...(inputs.pgDump ? { pgDump: inputs.pgDump } : {}),
      ...(inputs.dynamodbRateLimit ? { dynamodbRateLimit: inputs.dynamodbRateLimit } : {}),
      dryRun: inputs.dryRun,
      sslMode: inputs.sslMode,
      replication: inputs.replication,
      replicaIdentityFull: inputs.allowReplicaIdentityFull,
      ...(inputs.dms ? { dms: { ...inputs.dms } } : {}),
    };
    const ledger = {
      ssm: clients.ssm(config.regions.primary),
      environment: config.environment,
      action: io.action,
      log: io.info,
    };
    // Before any plan: after a cutover, v2 is the live database and is not to be copied into.
    refuseCopyOntoLiveV2(await new Ledger(ledger).read());
    const result = await migrateData({
      config,
      clients,
      options,
      mask: (value) => void io.secret(value),
      log: (line) => io.info(line),
      record: async (event) => void (await recordVerdicts(ledger, [event])),
    });
    io.setOutput(Outputs.backups, result.backups);
    io.setOutput(Outputs.tables, result.tables ?? {});
    io.setOutput(Outputs.items, result.items === undefined ? '' : String(result.items));
    io.setOutput(Outputs.replication, result.replication ?? {});
    for (const table of resultTables(result)) {
      io.info(`${table.title}:`);
      for (const row of table.rows) io.info(`  ${row.join('  ')}`);
    }
    // What was made and moved, for the guards of the later phases.
    await recordVerdicts(ledger, migrationEvents(result, options));
    await writeMigrateSummary(`Phase 2 — migrate data for ${config.environment}`, result, io.summary);
  } finally {
    clients.destroy();
  }
}
