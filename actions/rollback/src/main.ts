import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Ledger, rollBack, setUpAction, writeRollbackSummary, type ActionIO } from '@dbmig/shared';
import { Inputs, Outputs, readInputs } from './inputs.js';

/**
 * The services step 3.4 calls: SSM for the parameters and the ledger, Auto Scaling for the refreshes,
 * CloudWatch for the traffic proof; RDS, Secrets Manager and DynamoDB to count the writes v2 took.
 */
const services = {
  ssm: SSMClient,
  autoScaling: AutoScalingClient,
  cloudwatch: CloudWatchClient,
  rds: RDSClient,
  secretsManager: SecretsManagerClient,
  dynamodb: DynamoDBClient,
  dms: DatabaseMigrationServiceClient, // a DMS task still running, stopped and deleted
};

/** Step 3.4: the parameters back to what the cutover replaced, both fleets refreshed, traffic proved back on v1. */
export async function rollbackAction(io: ActionIO): Promise<void> {
  const inputs = readInputs(io);
  const { config, clients } = await setUpAction(io, inputs, services);
  const ledger = new Ledger({
    ssm: clients.ssm(config.regions.primary),
    environment: config.environment,
    log: io.info,
  });
  try {
    const result = await rollBack({
      config,
      clients,
      ledger,
      log: (line) => io.info(line),
      mask: (value) => void io.secret(value),
      options: {
        dryRun: inputs.dryRun,
        explicit: {
          ...(inputs.v1Endpoint ? { endpoint: inputs.v1Endpoint } : {}),
          ...(inputs.v1SecretName ? { secretName: inputs.v1SecretName } : {}),
          ...(inputs.v1TableName ? { tableName: inputs.v1TableName } : {}),
        },
        inputNames: {
          endpoint: Inputs.v1Endpoint,
          secretName: Inputs.v1SecretName,
          tableName: Inputs.v1TableName,
        },
        refresh: { minHealthyPercentage: inputs.minHealthyPercentage, instanceWarmup: inputs.instanceWarmup },
        refreshTimeoutMs: inputs.refreshTimeoutMinutes * 60_000,
        trafficTimeoutMs: inputs.trafficTimeoutMinutes * 60_000,
        ...(inputs.timestampColumn ? { timestampColumn: inputs.timestampColumn } : {}),
        sslMode: inputs.sslMode,
        dmsPollSeconds: inputs.dmsPollSeconds,
      },
    });
    io.setOutput(Outputs.rolledBack, String(result.rolledBack));
    io.setOutput(Outputs.writesAtRisk, result.writesAtRisk ?? {});
    await writeRollbackSummary(config.environment, result, io.summary);
  } finally {
    clients.destroy();
  }
}
