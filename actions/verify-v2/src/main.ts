import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  dmsRunInLedger,
  Ledger,
  setUpAction,
  verifyHealth,
  verifyParity,
  verifyReplication,
  verifyTableReplication,
  replicationEvent,
  verificationEvents,
  recordVerdicts,
  Report,
  VerdictError,
  writeReportSummary,
  type ActionIO,
  type Check,
} from '@dbmig/shared';
import { Outputs, readInputs, type VerifyInputs } from './inputs.js';

/**
 * The services the health checks call, and only those: each SDK client package is bundled whole, so
 * naming one here is what puts it into dist/ (Auto Scaling, Logs and S3, which verify-v2 never
 * calls, stay out).
 */
const services = {
  rds: RDSClient,
  cloudwatch: CloudWatchClient,
  dynamodb: DynamoDBClient,
  secretsManager: SecretsManagerClient,
  ssm: SSMClient, // the ledger, where the verdict is recorded
  ec2: EC2Client, // the v2 cluster's security groups, read when its writer does not answer
  dynamodbStreams: DynamoDBStreamsClient, // the table's stream, when migrate-data carried it
  dms: DatabaseMigrationServiceClient, // the DMS task, when migrate-data ran with replication dms
};

/**
 * Sessions per side for the PostgreSQL parity: ranges of one table are compared side by side, while the
 * two servers (which also serve production) see a bounded load.
 */
const PARITY_JOBS = 4;

const TITLES: Record<VerifyInputs['check'], (environment: string) => string> = {
  health: (env) => `v2 health for ${env}`,
  parity: (env) => `v1/v2 parity for ${env}`,
  all: (env) => `v2 health and v1/v2 parity for ${env}`,
  replication: (env) => `v1 → v2 replication for ${env}`,
};

const VERDICTS: Record<VerifyInputs['check'], (environment: string) => string> = {
  health: (env) => `v2 is not healthy for ${env}`,
  parity: (env) => `v1 and v2 differ for ${env}`,
  all: (env) => `v2 is not healthy, or v1 and v2 differ, for ${env}`,
  replication: (env) => `replication from v1 to v2 is not sound for ${env}`,
};

/**
 * Phase 1 (steps 1.2 and 1.3): read-only health of every v2 resource; step 2.4: v1 and v2 compared by
 * content. Reported check by check, in one report.
 */
export async function verifyV2(io: ActionIO): Promise<void> {
  const inputs = readInputs(io);
  const { config, clients } = await setUpAction(io, inputs, services);
  try {
    const report = new Report(TITLES[inputs.check](config.environment));
    const mask = (value: string) => void io.secret(value);
    let health: Check[] | undefined;
    let parity: Awaited<ReturnType<typeof verifyParity>> | undefined;
    let replication: Awaited<ReturnType<typeof verifyReplication>> | undefined;
    // Which replication runs is the ledger's to say: logical replication, or migrate-data's DMS task,
    // which the replication check reads and the parity cuts at.
    const dms =
      inputs.check === 'health'
        ? undefined
        : dmsRunInLedger(
            await new Ledger({
              ssm: clients.ssm(config.regions.primary),
              environment: config.environment,
              log: (line) => io.info(line),
            }).read(),
          );
    if (inputs.check === 'replication') {
      replication = await verifyReplication({
        config,
        clients,
        options: { maxLagSeconds: inputs.maxCdcLagSeconds, sslMode: inputs.sslMode },
        mask,
        ...(dms ? { dms } : {}),
      });
      // The table's stream, when migrate-data carried it: what waits for the next catch-up.
      const table = await verifyTableReplication({ config, clients });
      if (table) {
        replication = {
          checks: [...replication.checks, table.check],
          output: { ...replication.output, ...(table.output ? { table: table.output } : {}) },
        };
      }
      for (const check of replication.checks) report.add(check);
      io.setOutput(Outputs.replication, replication.output);
    }
    if (inputs.check === 'health' || inputs.check === 'all') {
      const checked = await verifyHealth({
        config,
        clients,
        options: {
          maxReplicationLagSeconds: inputs.maxReplicationLagSeconds,
          expectEmpty: inputs.expectEmpty,
          sslMode: inputs.sslMode,
          ...(inputs.appSecurityGroup !== undefined ? { appSecurityGroup: inputs.appSecurityGroup } : {}),
        },
        mask,
      });
      health = checked.checks;
      for (const check of health) report.add(check);
    }
    if (inputs.check === 'parity' || inputs.check === 'all') {
      parity = await verifyParity({
        config,
        clients,
        options: {
          ...(inputs.parityRanges !== undefined ? { ranges: inputs.parityRanges } : {}),
          maxDifferencesListed: inputs.maxDifferencesListed,
          sslMode: inputs.sslMode,
          jobs: PARITY_JOBS,
        },
        mask,
        ...(dms ? { dms } : {}),
        log: (line) => io.info(line),
      });
      for (const check of parity.checks) report.add(check);
      io.setOutput(Outputs.parity, parity.output);
    }
    const verdict = { failOnWarning: inputs.failOnWarning };
    const healthy = report.healthy(verdict);
    io.setOutput(Outputs.healthy, String(healthy));
    io.setOutput(Outputs.report, report.toJSON(verdict));
    await writeReportSummary(report, verdict, io.summary);
    io.info(report.toMarkdown(verdict));
    // Pass or fail, the verdict goes into the ledger: the cutover's guards read it.
    await recordVerdicts(
      {
        ssm: clients.ssm(config.regions.primary),
        environment: config.environment,
        action: io.action,
        log: io.info,
      },
      [
        ...verificationEvents(health, parity, inputs.failOnWarning),
        ...(replication ? [replicationEvent(replication.checks, replication.output)] : []),
      ],
    );
    if (!healthy) {
      const failing = report
        .failing(verdict)
        .map((c) => `${c.id} (${c.region ?? ''} ${c.resource ?? ''}): ${c.detail}`)
        .join('; ');
      throw new VerdictError(`${VERDICTS[inputs.check](config.environment)}: ${failing}`);
    }
  } finally {
    clients.destroy();
  }
}
