import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  cutOver,
  CutoverFailed,
  Ledger,
  rollbackCommand,
  setUpAction,
  writeCutoverSummary,
  type ActionIO,
  type CutoverResult,
} from '@dbmig/shared';
import { Outputs, readInputs } from './inputs.js';

/**
 * The services Phase 3 calls: SSM for the parameters and the ledger, RDS for v2's endpoint, Auto Scaling
 * for the refreshes, CloudWatch and CloudWatch Logs for the bake; Secrets Manager and DynamoDB for the
 * writes-at-risk count of an automatic rollback.
 */
const services = {
  ssm: SSMClient,
  rds: RDSClient,
  autoScaling: AutoScalingClient,
  cloudwatch: CloudWatchClient,
  logs: CloudWatchLogsClient,
  secretsManager: SecretsManagerClient,
  dynamodb: DynamoDBClient,
  dynamodbStreams: DynamoDBStreamsClient, // the table's stream, drained when migrate-data carried it
  dms: DatabaseMigrationServiceClient, // a DMS task migrate-data started: drained, stopped and deleted
};

/** Phase 3 (steps 3.1 to 3.3), with step 3.4 run by itself on failure when auto-rollback asks. */
export async function cutoverAction(io: ActionIO): Promise<void> {
  const inputs = readInputs(io);
  const { config, clients } = await setUpAction(io, inputs, services);
  const ledger = new Ledger({
    ssm: clients.ssm(config.regions.primary),
    environment: config.environment,
    log: io.info,
  });
  const report = async (result: CutoverResult) => {
    io.setOutput(Outputs.cutOver, String(result.cutOver));
    io.setOutput(Outputs.bake, result.bake?.verdict ?? '');
    io.setOutput(Outputs.ledger, result.event ?? {});
    io.setOutput(Outputs.writeStrategy, result.writes?.strategy ?? 'none');
    io.setOutput(Outputs.writePauseMs, result.writes?.pauseMs ?? '');
    io.setOutput(Outputs.replicationStoppedLsn, result.writes?.stopped?.lsn ?? '');
    io.setOutput(Outputs.conflicts, result.writes?.conflicts ?? []);
    await writeCutoverSummary(config.environment, result, io.summary);
  };
  try {
    const result = await cutOver({
      config,
      clients,
      ledger,
      log: (line) => io.info(line),
      mask: (value) => void io.secret(value),
      rollbackCommand: rollbackCommand(config.environment),
      options: {
        dryRun: inputs.dryRun,
        parameterRegions: inputs.parameterRegions ?? [config.regions.primary],
        refresh: { minHealthyPercentage: inputs.minHealthyPercentage, instanceWarmup: inputs.instanceWarmup },
        refreshTimeoutMs: inputs.refreshTimeoutMinutes * 60_000,
        verificationMaxAgeHours: inputs.verificationMaxAgeHours,
        autoRollback: inputs.autoRollback,
        bake: {
          minutes: inputs.bakeMinutes,
          maxErrorLogs: inputs.maxErrorLogs,
          logGroup: inputs.logGroup ?? `/aws/application/${config.environment}`,
          filterPattern: inputs.logFilterPattern,
        },
        rollback: { trafficTimeoutMs: inputs.trafficTimeoutMinutes * 60_000, sslMode: inputs.sslMode },
        ...(inputs.expectedPlan ? { expectedPlan: inputs.expectedPlan } : {}),
        writes: {
          strategy: inputs.writeStrategy,
          sequenceHeadroom: BigInt(inputs.sequenceHeadroom),
          maxLagSeconds: inputs.maxCdcLagSeconds,
          drainTimeoutMs: inputs.drainTimeoutMinutes * 60_000,
          dmsPollSeconds: inputs.dmsPollSeconds,
          ...(inputs.applicationRoles ? { applicationRoles: inputs.applicationRoles } : {}),
        },
      },
    });
    await report(result);
  } catch (error) {
    if (error instanceof CutoverFailed) await report(error.result);
    throw error;
  } finally {
    clients.destroy();
  }
}
