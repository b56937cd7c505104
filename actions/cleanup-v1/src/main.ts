import { readFile, writeFile } from 'node:fs/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  cleanUp,
  deletedOutput,
  jobGate,
  Ledger,
  prependEntry,
  readRunContext,
  setUpAction,
  VerdictError,
  writeCleanupSummary,
  type ActionIO,
  type CleanupResult,
} from '@dbmig/shared';
import { Outputs, readInputs } from './inputs.js';

/**
 * The services Phase 4 calls: SSM for the parameters and the ledger, CloudWatch for v1's idleness, RDS
 * for the clusters, DynamoDB for the table's export and deletion, S3 to check the archive bucket,
 * Secrets Manager for the v1 secret.
 */
const services = {
  ssm: SSMClient,
  cloudwatch: CloudWatchClient,
  rds: RDSClient,
  dynamodb: DynamoDBClient,
  s3: S3Client,
  secretsManager: SecretsManagerClient,
  dms: DatabaseMigrationServiceClient, // a DMS task migrate-data left behind, which a guard refuses on
};

/** Phase 4 (steps 4.1 to 4.4): guarded, archived, deleted in AWS's order, written up. */
export async function cleanupV1Action(io: ActionIO): Promise<void> {
  const inputs = readInputs(io);
  const { config, clients } = await setUpAction(io, inputs, services);
  const run = readRunContext();
  const ledger = new Ledger({
    ssm: clients.ssm(config.regions.primary),
    environment: config.environment,
    run,
    log: io.info,
  });
  const approvalEnvironment = inputs.approvalEnvironment ?? `${config.environment}-v1-cleanup`;
  try {
    const result = await cleanUp({
      config,
      clients,
      ledger,
      run,
      gate: () => jobGate(approvalEnvironment, run),
      log: (line) => io.info(line),
      mask: (value) => void io.secret(value),
      options: {
        confirm: inputs.confirm,
        dryRun: inputs.dryRun,
        minStableDays: inputs.minStableDays,
        archiveBucket: inputs.archiveBucket,
        retainDays: inputs.retainDays,
        allowDisableDeletionProtection: inputs.allowDisableDeletionProtection,
        secretRecoveryDays: inputs.secretRecoveryDays,
        enablePointInTimeRecovery: inputs.enablePointInTimeRecovery,
        connectionWindowHours: inputs.connectionWindowHours,
        approvalEnvironment,
        ...(inputs.breakLock ? { breakLock: inputs.breakLock } : {}),
        ...(inputs.expectedPlan ? { expectedPlan: inputs.expectedPlan } : {}),
        waitSeconds: inputs.waitMinutes * 60,
        sslMode: inputs.sslMode,
        ...(inputs.pollSeconds !== undefined
          ? { minDelaySeconds: inputs.pollSeconds, maxDelaySeconds: inputs.pollSeconds * 4 }
          : {}),
      },
    });
    await report(io, config.environment, result, inputs.changelogPath);
    if (result.status === 'refused' || result.status === 'failed') {
      throw new VerdictError(`cleanup-v1 ${result.status}: ${result.reason ?? 'see the job summary'}`);
    }
  } finally {
    clients.destroy();
  }
}

async function report(io: ActionIO, environment: string, result: CleanupResult, changelogPath?: string) {
  io.info(result.report.toMarkdown({ failOnWarning: false }));
  // A run that deleted (or stopped part-way) printed its plan before acting; one that changed nothing
  // shows here what it would have done.
  if (result.plan.length > 0 && (result.status === 'planned' || result.status === 'refused')) {
    io.info(result.status === 'planned' ? 'The plan (nothing was changed):' : 'The plan:');
    result.plan.forEach((step, i) => io.info(`  ${i + 1}. [${step.region}] ${step.description}`));
  }
  io.setOutput(Outputs.deleted, deletedOutput(result));
  io.setOutput(
    Outputs.archives,
    result.archives.map(({ reused, ...a }) => ({ ...a, recordedEarlier: reused })),
  );
  io.setOutput(Outputs.changelog, result.changelog ?? '');
  if (result.changelog) {
    io.info(result.changelog);
    if (changelogPath && result.status === 'deleted') {
      const existing = await readFile(changelogPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      await writeFile(changelogPath, prependEntry(existing, result.changelog));
      io.info(`Prepended the entry to ${changelogPath}.`);
    }
  }
  await writeCleanupSummary(environment, result, io.summary);
}
