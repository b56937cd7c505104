import { SSL_MODES, type ActionIO, type SslMode } from '@dbmig/shared';

/** Every input and output name of verify-v2, declared once (action.yml describes each). */
export const Inputs = {
  environment: 'environment',
  check: 'check',
  config: 'config',
  maxReplicationLagSeconds: 'max-replication-lag-seconds',
  expectEmpty: 'expect-empty',
  sslMode: 'ssl-mode',
  failOnWarning: 'fail-on-warning',
  maxAttempts: 'max-attempts',
} as const;

export const Outputs = {
  healthy: 'healthy',
  report: 'report',
} as const;

/** `parity` and `all` arrive with the data phase; until then only `health` is accepted. */
export const CHECKS = ['health'] as const;

export interface VerifyInputs {
  environment: string;
  check: (typeof CHECKS)[number];
  config?: string;
  maxReplicationLagSeconds: number;
  expectEmpty: boolean;
  sslMode: SslMode;
  failOnWarning: boolean;
  /** Undefined: the config file's aws.max-attempts, else the default. */
  maxAttempts?: number;
}

/** Reads and validates every input before any AWS call. */
export function readInputs(io: ActionIO): VerifyInputs {
  const config = io.string(Inputs.config);
  const maxAttempts = io.integer(Inputs.maxAttempts, { min: 1, max: 20 });
  return {
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    environment: io.string(Inputs.environment, { required: true }),
    check: io.choice(Inputs.check, CHECKS, 'health'),
    ...(config ? { config } : {}),
    maxReplicationLagSeconds: io.integer(Inputs.maxReplicationLagSeconds, {
      default: 60,
      min: 0,
      max: 86_400,
    }),
    expectEmpty: io.boolean(Inputs.expectEmpty, { default: false }),
    sslMode: io.choice(Inputs.sslMode, SSL_MODES, 'require'),
    failOnWarning: io.boolean(Inputs.failOnWarning, { default: false }),
  };
}
