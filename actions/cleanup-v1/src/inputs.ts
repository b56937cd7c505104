import { InputError, parseExpectedPlan, SSL_MODES, type ActionIO, type CleanupOptions } from '@dbmig/shared';

/** Every input and output name of cleanup-v1, declared once (action.yml describes each). */
export const Inputs = {
  environment: 'environment',
  config: 'config',
  confirm: 'confirm',
  dryRun: 'dry-run',
  minStableDays: 'min-stable-days',
  allowShortStabilisation: 'allow-short-stabilisation',
  archiveBucket: 'archive-bucket',
  retainDays: 'retain-days',
  allowDisableDeletionProtection: 'allow-disable-deletion-protection',
  secretRecoveryDays: 'secret-recovery-days',
  allowForceDeleteSecret: 'allow-force-delete-secret',
  enablePointInTimeRecovery: 'enable-point-in-time-recovery',
  connectionWindowHours: 'connection-window-hours',
  approvalEnvironment: 'approval-environment',
  breakLock: 'break-lock',
  changelogPath: 'changelog-path',
  waitMinutes: 'wait-minutes',
  pollSeconds: 'poll-seconds',
  maxAttempts: 'max-attempts',
  expectedPlan: 'expected-plan',
  sslMode: 'ssl-mode',
} as const;

export const Outputs = {
  deleted: 'deleted',
  archives: 'archives',
  changelog: 'changelog',
} as const;

/** The inputs that go to the cleanup as they are, described once in CleanupOptions. */
type PassedThrough = Pick<
  CleanupOptions,
  | 'confirm'
  | 'dryRun'
  | 'minStableDays'
  | 'archiveBucket'
  | 'retainDays'
  | 'allowDisableDeletionProtection'
  | 'secretRecoveryDays'
  | 'enablePointInTimeRecovery'
  | 'connectionWindowHours'
  | 'breakLock'
  | 'expectedPlan'
  | 'sslMode'
>;

export interface CleanupInputs extends PassedThrough {
  environment: string;
  config?: string;
  /** Undefined: `<environment>-v1-cleanup`. */
  approvalEnvironment?: string;
  changelogPath?: string;
  waitMinutes: number;
  /** Undefined: the SDK waiters' own delays. */
  pollSeconds?: number;
  maxAttempts?: number;
}

/** The guide's stabilisation period starts at 7 days (step 4.1). */
const GUIDE_MIN_STABLE_DAYS = 7;
/** S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens, a letter or digit at each end. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads and validates every input before any AWS call; a wrong one changes nothing. */
export function readInputs(io: ActionIO): CleanupInputs {
  const config = io.string(Inputs.config);
  const maxAttempts = io.integer(Inputs.maxAttempts, { min: 1, max: 20 });
  // Read verbatim: the confirmation is compared exactly, never trimmed or case-folded.
  const confirm = io.verbatim(Inputs.confirm);
  const minStableDays = io.decimal(Inputs.minStableDays, {
    default: GUIDE_MIN_STABLE_DAYS,
    min: 0,
    max: 365,
  });
  const allowShort = io.boolean(Inputs.allowShortStabilisation, { default: false });
  if (minStableDays < GUIDE_MIN_STABLE_DAYS && !allowShort) {
    throw new InputError(
      Inputs.minStableDays,
      `is ${minStableDays}, below the guide's ${GUIDE_MIN_STABLE_DAYS} days of stabilisation; set ` +
        `${Inputs.allowShortStabilisation}: true to allow a shorter period.`,
    );
  }
  const secretRecoveryDays = io.integer(Inputs.secretRecoveryDays, { default: 30, min: 0, max: 30 });
  const allowForce = io.boolean(Inputs.allowForceDeleteSecret, { default: false });
  if (secretRecoveryDays === 0 && !allowForce) {
    throw new InputError(
      Inputs.secretRecoveryDays,
      `is 0, which deletes the v1 secret with no way back; set ${Inputs.allowForceDeleteSecret}: true to allow ` +
        `that, or give a recovery window of 7 to 30 days.`,
    );
  }
  if (secretRecoveryDays > 0 && secretRecoveryDays < 7) {
    throw new InputError(
      Inputs.secretRecoveryDays,
      `must be 0 (force delete) or 7 to 30 days, Secrets Manager's recovery window; got ${secretRecoveryDays}.`,
    );
  }
  const archiveBucket = io.string(Inputs.archiveBucket, { required: true });
  if (!BUCKET.test(archiveBucket) || archiveBucket.includes('..')) {
    throw new InputError(
      Inputs.archiveBucket,
      `must be an S3 bucket name (3 to 63 lower-case letters, digits, dots or hyphens), not a URL or path; got '${archiveBucket}'.`,
    );
  }
  const approvalEnvironment = io.string(Inputs.approvalEnvironment);
  const breakLock = io.string(Inputs.breakLock);
  const expectedPlan = io.string(Inputs.expectedPlan);
  const changelogPath = io.string(Inputs.changelogPath);
  const poll = io.string(Inputs.pollSeconds);
  const pollSeconds =
    poll === undefined ? undefined : io.decimal(Inputs.pollSeconds, { default: 15, min: 0.1, max: 600 });
  return {
    environment: io.string(Inputs.environment, { required: true }),
    ...(config ? { config } : {}),
    confirm,
    dryRun: io.boolean(Inputs.dryRun, { default: true }),
    minStableDays,
    archiveBucket,
    retainDays: io.integer(Inputs.retainDays, { default: 90, min: 1, max: 36_500 }),
    allowDisableDeletionProtection: io.boolean(Inputs.allowDisableDeletionProtection, { default: false }),
    secretRecoveryDays,
    enablePointInTimeRecovery: io.boolean(Inputs.enablePointInTimeRecovery, { default: false }),
    connectionWindowHours: io.decimal(Inputs.connectionWindowHours, { default: 24, min: 1, max: 24 * 15 }),
    ...(approvalEnvironment ? { approvalEnvironment } : {}),
    ...(breakLock ? { breakLock } : {}),
    ...(expectedPlan
      ? { expectedPlan: parseExpectedPlan(Inputs.expectedPlan, expectedPlan, 'cleanup') }
      : {}),
    ...(changelogPath ? { changelogPath } : {}),
    waitMinutes: io.decimal(Inputs.waitMinutes, { default: 120, min: 0.1, max: 24 * 60 }),
    sslMode: io.choice(Inputs.sslMode, SSL_MODES, 'require'),
    ...(pollSeconds !== undefined ? { pollSeconds } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  };
}
