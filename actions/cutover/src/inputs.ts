import {
  InputError,
  parseExpectedPlan,
  parseRegions,
  SSL_MODES,
  WRITE_STRATEGIES,
  type ActionIO,
  type SslMode,
  type WriteStrategyInput,
} from '@dbmig/shared';

/** Every input and output name of cutover, declared once (action.yml describes each). */
export const Inputs = {
  environment: 'environment',
  config: 'config',
  dryRun: 'dry-run',
  parameterRegions: 'parameter-regions',
  bakeMinutes: 'bake-minutes',
  maxErrorLogs: 'max-error-logs',
  logGroup: 'log-group',
  logFilterPattern: 'log-filter-pattern',
  autoRollback: 'auto-rollback',
  minHealthyPercentage: 'min-healthy-percentage',
  instanceWarmup: 'instance-warmup',
  verificationMaxAgeHours: 'verification-max-age-hours',
  refreshTimeoutMinutes: 'refresh-timeout-minutes',
  trafficTimeoutMinutes: 'traffic-timeout-minutes',
  sslMode: 'ssl-mode',
  maxAttempts: 'max-attempts',
  expectedPlan: 'expected-plan',
  writeStrategy: 'write-strategy',
  sequenceHeadroom: 'sequence-headroom',
  maxCdcLagSeconds: 'max-cdc-lag-seconds',
  drainTimeoutMinutes: 'drain-timeout-minutes',
  applicationRoles: 'application-roles',
  dmsPollSeconds: 'dms-poll-seconds',
} as const;

export const Outputs = {
  cutOver: 'cut-over',
  bake: 'bake',
  ledger: 'ledger',
  writeStrategy: 'write-strategy',
  writePauseMs: 'write-pause-ms',
  replicationStoppedLsn: 'replication-stopped-lsn',
  conflicts: 'conflicts',
} as const;

export interface CutoverInputs {
  environment: string;
  config?: string;
  dryRun: boolean;
  /** Undefined: the primary Region alone, as the guide writes them. */
  parameterRegions?: string[];
  bakeMinutes: number;
  maxErrorLogs: number;
  /** Undefined: `/aws/application/{env}`, the guide's. */
  logGroup?: string;
  logFilterPattern: string;
  autoRollback: boolean;
  minHealthyPercentage: number;
  instanceWarmup: number;
  verificationMaxAgeHours: number;
  refreshTimeoutMinutes: number;
  trafficTimeoutMinutes: number;
  sslMode: SslMode;
  maxAttempts?: number;
  /** The `cutover-plan` fingerprint of the approved preview; undefined: no comparison. */
  expectedPlan?: string;
  writeStrategy: WriteStrategyInput;
  sequenceHeadroom: number;
  maxCdcLagSeconds: number;
  drainTimeoutMinutes: number;
  /** Undefined: the user of v1's secret. */
  applicationRoles?: string[];
  dmsPollSeconds: number;
}

/** Reads and validates every input before any AWS call. */
export function readInputs(io: ActionIO): CutoverInputs {
  const config = io.string(Inputs.config);
  const maxAttempts = io.integer(Inputs.maxAttempts, { min: 1, max: 20 });
  const regions = io.string(Inputs.parameterRegions);
  const logGroup = io.string(Inputs.logGroup);
  const expectedPlan = io.string(Inputs.expectedPlan);
  const roles = io.string(Inputs.applicationRoles);
  return {
    environment: io.string(Inputs.environment, { required: true }),
    ...(config ? { config } : {}),
    dryRun: io.boolean(Inputs.dryRun, { default: false }),
    ...(regions ? { parameterRegions: parseRegions(Inputs.parameterRegions, regions) } : {}),
    bakeMinutes: io.decimal(Inputs.bakeMinutes, { default: 15, min: 0.05, max: 720 }),
    maxErrorLogs: io.integer(Inputs.maxErrorLogs, { default: 0, min: 0, max: 1_000_000 }),
    ...(logGroup ? { logGroup } : {}),
    logFilterPattern: io.string(Inputs.logFilterPattern, { default: 'ERROR' }),
    autoRollback: io.boolean(Inputs.autoRollback, { default: false }),
    minHealthyPercentage: io.integer(Inputs.minHealthyPercentage, { default: 80, min: 0, max: 100 }),
    instanceWarmup: io.integer(Inputs.instanceWarmup, { default: 120, min: 0, max: 86_400 }),
    verificationMaxAgeHours: io.decimal(Inputs.verificationMaxAgeHours, { default: 24, min: 0.01, max: 720 }),
    refreshTimeoutMinutes: io.decimal(Inputs.refreshTimeoutMinutes, { default: 60, min: 0.1, max: 1440 }),
    trafficTimeoutMinutes: io.decimal(Inputs.trafficTimeoutMinutes, { default: 10, min: 0.1, max: 720 }),
    sslMode: io.choice(Inputs.sslMode, SSL_MODES, 'require'),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    ...(expectedPlan
      ? { expectedPlan: parseExpectedPlan(Inputs.expectedPlan, expectedPlan, 'cutover') }
      : {}),
    writeStrategy: io.choice(Inputs.writeStrategy, WRITE_STRATEGIES, 'auto'),
    sequenceHeadroom: io.integer(Inputs.sequenceHeadroom, {
      default: 100_000,
      min: 1,
      max: 1_000_000_000_000,
    }),
    maxCdcLagSeconds: io.decimal(Inputs.maxCdcLagSeconds, { default: 10, min: 0.001, max: 86_400 }),
    drainTimeoutMinutes: io.decimal(Inputs.drainTimeoutMinutes, { default: 10, min: 0.1, max: 1440 }),
    ...(roles ? { applicationRoles: parseRoles(roles) } : {}),
    dmsPollSeconds: io.integer(Inputs.dmsPollSeconds, { default: 15, min: 1, max: 300 }),
  };
}

/** PostgreSQL role names, comma-separated: letters, digits, `_`, `$` and `-`, as RDS lets a role be named. */
function parseRoles(value: string): string[] {
  const roles = value.split(',').map((r) => r.trim());
  const bad = roles.find((r) => !/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(r));
  if (bad !== undefined) {
    throw new InputError(
      Inputs.applicationRoles,
      `must be comma-separated PostgreSQL role names (e.g. app_writer,payments_api); got '${bad}'.`,
    );
  }
  return [...new Set(roles)];
}
