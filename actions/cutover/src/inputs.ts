import { parseExpectedPlan, parseRegions, SSL_MODES, type ActionIO, type SslMode } from '@dbmig/shared';

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
} as const;

export const Outputs = {
  cutOver: 'cut-over',
  bake: 'bake',
  ledger: 'ledger',
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
}

/** Reads and validates every input before any AWS call. */
export function readInputs(io: ActionIO): CutoverInputs {
  const config = io.string(Inputs.config);
  const maxAttempts = io.integer(Inputs.maxAttempts, { min: 1, max: 20 });
  const regions = io.string(Inputs.parameterRegions);
  const logGroup = io.string(Inputs.logGroup);
  const expectedPlan = io.string(Inputs.expectedPlan);
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
  };
}
