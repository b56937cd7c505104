import { InputError, SSL_MODES, type ActionIO, type SslMode } from '@dbmig/shared';

/** Every input and output name of rollback, declared once (action.yml describes each). */
export const Inputs = {
  environment: 'environment',
  config: 'config',
  dryRun: 'dry-run',
  v1Endpoint: 'v1-endpoint',
  v1SecretName: 'v1-secret-name',
  v1TableName: 'v1-table-name',
  minHealthyPercentage: 'min-healthy-percentage',
  instanceWarmup: 'instance-warmup',
  refreshTimeoutMinutes: 'refresh-timeout-minutes',
  trafficTimeoutMinutes: 'traffic-timeout-minutes',
  timestampColumn: 'timestamp-column',
  sslMode: 'ssl-mode',
  maxAttempts: 'max-attempts',
  dmsPollSeconds: 'dms-poll-seconds',
} as const;

export const Outputs = {
  rolledBack: 'rolled-back',
  writesAtRisk: 'writes-at-risk',
} as const;

export interface RollbackInputs {
  environment: string;
  config?: string;
  dryRun: boolean;
  v1Endpoint?: string;
  v1SecretName?: string;
  v1TableName?: string;
  minHealthyPercentage: number;
  instanceWarmup: number;
  refreshTimeoutMinutes: number;
  trafficTimeoutMinutes: number;
  timestampColumn?: string;
  sslMode: SslMode;
  maxAttempts?: number;
  dmsPollSeconds: number;
}

const COLUMN = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** Reads and validates every input before any AWS call. The v1 endpoint is a SecureString's value: masked at once. */
export function readInputs(io: ActionIO): RollbackInputs {
  const config = io.string(Inputs.config);
  const maxAttempts = io.integer(Inputs.maxAttempts, { min: 1, max: 20 });
  const endpoint = io.string(Inputs.v1Endpoint);
  if (endpoint) io.secret(endpoint);
  const secretName = io.string(Inputs.v1SecretName);
  const tableName = io.string(Inputs.v1TableName);
  const column = io.string(Inputs.timestampColumn);
  if (column !== undefined && !COLUMN.test(column)) {
    throw new InputError(
      Inputs.timestampColumn,
      `must be a column name (letters, digits, _ and $, a letter or _ first, at most 63); got '${column}'.`,
    );
  }
  return {
    environment: io.string(Inputs.environment, { required: true }),
    ...(config ? { config } : {}),
    dryRun: io.boolean(Inputs.dryRun, { default: false }),
    ...(endpoint ? { v1Endpoint: endpoint } : {}),
    ...(secretName ? { v1SecretName: secretName } : {}),
    ...(tableName ? { v1TableName: tableName } : {}),
    minHealthyPercentage: io.integer(Inputs.minHealthyPercentage, { default: 80, min: 0, max: 100 }),
    instanceWarmup: io.integer(Inputs.instanceWarmup, { default: 120, min: 0, max: 86_400 }),
    refreshTimeoutMinutes: io.decimal(Inputs.refreshTimeoutMinutes, { default: 60, min: 0.1, max: 1440 }),
    trafficTimeoutMinutes: io.decimal(Inputs.trafficTimeoutMinutes, { default: 10, min: 0.1, max: 720 }),
    ...(column ? { timestampColumn: column } : {}),
    sslMode: io.choice(Inputs.sslMode, SSL_MODES, 'require'),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    dmsPollSeconds: io.integer(Inputs.dmsPollSeconds, { default: 15, min: 1, max: 300 }),
  };
}
