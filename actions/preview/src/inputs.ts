import {
  GITHUB_ACTIONS_LOGIN,
  InputError,
  parseRegions,
  SSL_MODES,
  type ActionIO,
  type SslMode,
} from '@dbmig/shared';

/** Every input and output name of preview, declared once (action.yml describes each). */
export const Inputs = {
  environment: 'environment',
  config: 'config',
  pullRequest: 'pull-request',
  commentAuthor: 'comment-author',
  parameterRegions: 'parameter-regions',
  minHealthyPercentage: 'min-healthy-percentage',
  instanceWarmup: 'instance-warmup',
  verificationMaxAgeHours: 'verification-max-age-hours',
  archiveBucket: 'archive-bucket',
  minStableDays: 'min-stable-days',
  allowDisableDeletionProtection: 'allow-disable-deletion-protection',
  enablePointInTimeRecovery: 'enable-point-in-time-recovery',
  connectionWindowHours: 'connection-window-hours',
  secretRecoveryDays: 'secret-recovery-days',
  maxReplicationLagSeconds: 'max-replication-lag-seconds',
  sslMode: 'ssl-mode',
  maxAttempts: 'max-attempts',
  pulumiPreviewJson: 'pulumi-preview-json',
} as const;

export const Outputs = {
  cutoverPlan: 'cutover-plan',
  cleanupPlan: 'cleanup-plan',
  comment: 'comment',
  commentUrl: 'comment-url',
  pulumiVerdict: 'pulumi-verdict',
} as const;

export interface PreviewInputs {
  environment: string;
  config?: string;
  /** Undefined: the event payload's pull request. */
  pullRequest?: number;
  commentAuthor: string;
  /** Undefined: the primary Region alone, as the cutover's default. */
  parameterRegions?: string[];
  minHealthyPercentage: number;
  instanceWarmup: number;
  verificationMaxAgeHours: number;
  /** Undefined: the cleanup is not planned (it needs the bucket it would export to). */
  archiveBucket?: string;
  minStableDays: number;
  allowDisableDeletionProtection: boolean;
  enablePointInTimeRecovery: boolean;
  connectionWindowHours: number;
  secretRecoveryDays: number;
  maxReplicationLagSeconds: number;
  sslMode: SslMode;
  maxAttempts?: number;
  /** The file `pulumi preview --json` wrote, for the guard of step 1.1; undefined: no guard. */
  pulumiPreviewJson?: string;
}

/** S3 bucket names, as cleanup-v1 checks them. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads and validates every input before any AWS call. The phase inputs take the phases' own defaults,
 * so that the plan previewed is the plan the phase makes when the workflow passes the same values.
 */
export function readInputs(io: ActionIO): PreviewInputs {
  const config = io.string(Inputs.config);
  const maxAttempts = io.integer(Inputs.maxAttempts, { min: 1, max: 20 });
  const pullRequest = io.integer(Inputs.pullRequest, { min: 1, max: 100_000_000 });
  const regions = io.string(Inputs.parameterRegions);
  const archiveBucket = io.string(Inputs.archiveBucket);
  const pulumiPreviewJson = io.string(Inputs.pulumiPreviewJson);
  if (archiveBucket !== undefined && (!BUCKET.test(archiveBucket) || archiveBucket.includes('..'))) {
    throw new InputError(
      Inputs.archiveBucket,
      `must be an S3 bucket name (3 to 63 lower-case letters, digits, dots or hyphens), as cleanup-v1 takes it; got '${archiveBucket}'.`,
    );
  }
  return {
    environment: io.string(Inputs.environment, { required: true }),
    ...(config ? { config } : {}),
    ...(pullRequest !== undefined ? { pullRequest } : {}),
    commentAuthor: io.string(Inputs.commentAuthor, { default: GITHUB_ACTIONS_LOGIN }),
    ...(regions ? { parameterRegions: parseRegions(Inputs.parameterRegions, regions) } : {}),
    minHealthyPercentage: io.integer(Inputs.minHealthyPercentage, { default: 80, min: 0, max: 100 }),
    instanceWarmup: io.integer(Inputs.instanceWarmup, { default: 120, min: 0, max: 86_400 }),
    verificationMaxAgeHours: io.decimal(Inputs.verificationMaxAgeHours, { default: 24, min: 0.01, max: 720 }),
    ...(archiveBucket ? { archiveBucket } : {}),
    minStableDays: io.decimal(Inputs.minStableDays, { default: 7, min: 0, max: 365 }),
    allowDisableDeletionProtection: io.boolean(Inputs.allowDisableDeletionProtection, { default: false }),
    enablePointInTimeRecovery: io.boolean(Inputs.enablePointInTimeRecovery, { default: false }),
    connectionWindowHours: io.decimal(Inputs.connectionWindowHours, { default: 24, min: 1, max: 24 * 15 }),
    secretRecoveryDays: io.integer(Inputs.secretRecoveryDays, { default: 30, min: 0, max: 30 }),
    maxReplicationLagSeconds: io.integer(Inputs.maxReplicationLagSeconds, {
      default: 60,
      min: 0,
      max: 86_400,
    }),
    sslMode: io.choice(Inputs.sslMode, SSL_MODES, 'require'),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(pulumiPreviewJson ? { pulumiPreviewJson } : {}),
  };
}
