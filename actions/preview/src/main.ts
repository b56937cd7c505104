import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import path from 'node:path';
import {
  buildPreview,
  judgePulumiPreview,
  pulumiVerdictLine,
  PULUMI_SECTION_TITLE,
  readPreviewDigest,
  renderPulumiVerdict,
  VerdictError,
  type PulumiVerdict,
  Ledger,
  previewMarker,
  pullRequestNumber,
  readRunContext,
  renderPreview,
  setUpAction,
  upsertStickyComment,
  type ActionIO,
} from '@dbmig/shared';
import { Outputs, readInputs, type PreviewInputs } from './inputs.js';

/**
 * The services the phases' read-only code calls: RDS, DynamoDB, Secrets Manager and CloudWatch for
 * verify's checks and the data's sizes; SSM for the parameters and the ledger; Auto Scaling for the
 * groups the cutover would refresh; S3 for the cleanup's archive bucket. Every call is a read: the
 * preview runs under a read-only role.
 */
const services = {
  ssm: SSMClient,
  rds: RDSClient,
  autoScaling: AutoScalingClient,
  dynamodb: DynamoDBClient,
  secretsManager: SecretsManagerClient,
  cloudwatch: CloudWatchClient,
  s3: S3Client,
  dms: DatabaseMigrationServiceClient, // a DMS task left behind, which the cleanup plan refuses on
};

/** Every phase's plan for one environment, as one sticky comment on the pull request and the job summary. */
export async function previewAction(io: ActionIO): Promise<void> {
  const inputs = readInputs(io);
  const { config, clients } = await setUpAction(io, inputs, services);
  const run = readRunContext();
  // Read before any AWS call: a file that is not a preview is an input error, and nothing is read.
  const digest = inputs.pulumiPreviewJson
    ? await readPreviewDigest(path.resolve(process.env['GITHUB_WORKSPACE'] ?? '.', inputs.pulumiPreviewJson))
    : undefined;
  const pulumi = digest ? judgePulumiPreview(digest, config) : undefined;
  let markdown: string;
  try {
    const ledger = new Ledger({
      ssm: clients.ssm(config.regions.primary),
      environment: config.environment,
      run,
      log: io.info,
    });
    const content = await buildPreview({
      config,
      clients,
      ledger,
      run,
      mask: (value) => void io.secret(value),
      options: {
        sslMode: inputs.sslMode,
        maxReplicationLagSeconds: inputs.maxReplicationLagSeconds,
        cutover: {
          parameterRegions: inputs.parameterRegions ?? [config.regions.primary],
          refresh: {
            minHealthyPercentage: inputs.minHealthyPercentage,
            instanceWarmup: inputs.instanceWarmup,
          },
          verificationMaxAgeHours: inputs.verificationMaxAgeHours,
        },
        ...(inputs.archiveBucket ? { cleanup: cleanupOptions(inputs, inputs.archiveBucket) } : {}),
      },
    });
    const commit = process.env['GITHUB_SHA'];
    markdown = renderPreview({
      ...content,
      ...(commit ? { commit } : {}),
      ...(pulumi ? { extra: [pulumiSection(pulumi)] } : {}),
    });
    io.setOutput(Outputs.pulumiVerdict, pulumi ? (pulumi.passed ? 'passed' : 'refused') : '');
    io.setOutput(Outputs.cutoverPlan, content.cutover.fingerprint?.value ?? '');
    io.setOutput(
      Outputs.cleanupPlan,
      content.cleanup && 'fingerprint' in content.cleanup ? (content.cleanup.fingerprint?.value ?? '') : '',
    );
  } finally {
    clients.destroy();
  }
  io.info(markdown);
  io.summary.addRaw(markdown, true);
  await io.summary.write();
  await comment(io, inputs, config.environment, markdown);
  // After the comment, so that the reviewers see why: the step fails on a refused infrastructure change.
  if (pulumi && !pulumi.passed) {
    throw new VerdictError(
      `the Pulumi preview would break v1 or v2: ${pulumiVerdictLine(pulumi).replace(/^refused: /, '')}`,
    );
  }
}

function pulumiSection(verdict: PulumiVerdict) {
  return {
    title: PULUMI_SECTION_TITLE,
    markdown: renderPulumiVerdict(verdict),
    verdict: pulumiVerdictLine(verdict),
  };
}

function cleanupOptions(inputs: PreviewInputs, archiveBucket: string) {
  return {
    archiveBucket,
    minStableDays: inputs.minStableDays,
    allowDisableDeletionProtection: inputs.allowDisableDeletionProtection,
    enablePointInTimeRecovery: inputs.enablePointInTimeRecovery,
    connectionWindowHours: inputs.connectionWindowHours,
    secretRecoveryDays: inputs.secretRecoveryDays,
  };
}

/**
 * The sticky comment. Anything in its way (no pull request, no token, a fork's read-only token) is a
 * warning, never a failure: the plan is in the job summary either way.
 */
async function comment(io: ActionIO, inputs: PreviewInputs, environment: string, markdown: string) {
  const skip = (why: string, outcome = 'skipped') => {
    io.warning(`No pull-request comment: ${why}. The preview is in the job summary.`);
    io.setOutput(Outputs.comment, outcome);
    io.setOutput(Outputs.commentUrl, '');
  };
  const issue = inputs.pullRequest ?? (await pullRequestNumber(process.env['GITHUB_EVENT_PATH']));
  if (issue === undefined) {
    return skip(
      'this event names no pull request (run the workflow on pull_request, or set the pull-request input)',
    );
  }
  const repository = process.env['GITHUB_REPOSITORY'];
  if (!repository) return skip('GITHUB_REPOSITORY is not set');
  const token = process.env['GITHUB_TOKEN']?.trim();
  if (!token) return skip('no token: give the step `env: GITHUB_TOKEN: ${{ github.token }}`');
  const apiUrl = process.env['GITHUB_API_URL']?.trim();
  const outcome = await upsertStickyComment({
    ...(apiUrl ? { apiUrl } : {}),
    token,
    repository,
    issue,
    marker: previewMarker(environment),
    body: markdown,
    author: inputs.commentAuthor,
  });
  if (outcome.outcome === 'refused') return skip(outcome.reason, 'refused');
  io.info(
    `The preview comment of ${environment} on #${issue}: ${outcome.outcome}${outcome.url ? ` (${outcome.url})` : ''}` +
      (outcome.truncated ? "; cut to fit GitHub's limit, the job summary has all of it" : '') +
      '.',
  );
  io.setOutput(Outputs.comment, outcome.outcome);
  io.setOutput(Outputs.commentUrl, outcome.url ?? '');
}
