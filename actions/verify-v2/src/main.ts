import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  AwsClients,
  loadConfig,
  verifyHealth,
  VerdictError,
  writeReportSummary,
  type ActionIO,
} from '@dbmig/shared';
import { Outputs, readInputs } from './inputs.js';

/**
 * The services the health checks call, and only those: each SDK client package is bundled whole, so
 * naming one here is what puts it into dist/ (SSM, which verify-v2 never calls, stays out).
 */
const services = {
  rds: RDSClient,
  cloudwatch: CloudWatchClient,
  dynamodb: DynamoDBClient,
  secretsManager: SecretsManagerClient,
};

/** Phase 1 (steps 1.2 and 1.3): read-only health of every v2 resource, reported check by check. */
export async function verifyV2(io: ActionIO): Promise<void> {
  const inputs = readInputs(io);
  const config = await loadConfig({
    environment: inputs.environment,
    ...(inputs.config ? { configFile: inputs.config } : {}),
    ...(inputs.maxAttempts !== undefined ? { maxAttempts: inputs.maxAttempts } : {}),
  });
  const clients = new AwsClients({
    maxAttempts: config.aws.maxAttempts,
    retryMode: config.aws.retryMode,
    userAgent: io.action,
    services,
  });
  try {
    const report = await verifyHealth({
      config,
      clients,
      options: {
        maxReplicationLagSeconds: inputs.maxReplicationLagSeconds,
        expectEmpty: inputs.expectEmpty,
        sslMode: inputs.sslMode,
      },
      mask: (value) => void io.secret(value),
    });
    const verdict = { failOnWarning: inputs.failOnWarning };
    const healthy = report.healthy(verdict);
    io.setOutput(Outputs.healthy, String(healthy));
    io.setOutput(Outputs.report, report.toJSON(verdict));
    await writeReportSummary(report, verdict, io.summary);
    io.info(report.toMarkdown(verdict));
    if (!healthy) {
      const failing = report
        .failing(verdict)
        .map((c) => `${c.id} (${c.region ?? ''} ${c.resource ?? ''}): ${c.detail}`)
        .join('; ');
      throw new VerdictError(`v2 is not healthy for ${config.environment}: ${failing}`);
    }
  } finally {
    clients.destroy();
  }
}
