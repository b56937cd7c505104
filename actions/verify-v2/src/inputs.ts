import { InputError, SSL_MODES, type ActionIO, type SslMode } from '@dbmig/shared';

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
  parityRanges: 'parity-ranges',
  maxDifferencesListed: 'max-differences-listed',
  appSecurityGroup: 'app-security-group',
  maxCdcLagSeconds: 'max-cdc-lag-seconds',
} as const;

export const Outputs = {
  healthy: 'healthy',
  report: 'report',
  parity: 'parity',
  replication: 'replication',
} as const;

/**
 * `health`: Phase 1 (steps 1.2, 1.3); `parity`: step 2.4, v1 and v2 compared by content; `all`: both;
 * `replication`: migrate-data's logical replication running, its lag under the gate, no schema drift.
 */
export const CHECKS = ['health', 'parity', 'all', 'replication'] as const;

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
  /** Undefined: chosen from each table's size. */
  parityRanges?: number | Record<string, number>;
  maxDifferencesListed: number;
  /** Undefined: a connection that times out is checked against this runner's address only. */
  appSecurityGroup?: string;
  /** The lag gate of `check: replication`, in seconds. */
  maxCdcLagSeconds: number;
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
    ...parityRangesInput(io.string(Inputs.parityRanges)),
    maxDifferencesListed: io.integer(Inputs.maxDifferencesListed, { default: 20, min: 0, max: 1000 }),
    ...appSecurityGroupInput(io.string(Inputs.appSecurityGroup)),
    maxCdcLagSeconds: io.decimal(Inputs.maxCdcLagSeconds, { default: 10, min: 0, max: 86_400 }),
  };
}

/** A security group id as EC2 gives it: `sg-` and 8 or 17 lower-case hex digits. */
const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** `app-security-group`: the id of the group the application runs in, never its name. */
export function appSecurityGroupInput(raw: string | undefined): { appSecurityGroup?: string } {
  if (raw === undefined) return {};
  if (!SECURITY_GROUP_ID.test(raw)) {
    throw new InputError(
      Inputs.appSecurityGroup,
      `must be a security group id: sg- and 8 or 17 lower-case hex digits (e.g. sg-0abc1234def567890), ` +
        `not a group name; got '${raw}'.`,
    );
  }
  return { appSecurityGroup: raw };
}

const MAX_RANGES = 1024;

/**
 * `parity-ranges`: one count for every table (`16`), or counts by table (`public.payments=32, refunds=4`,
 * a bare name meaning `public`). Tables not named get a count chosen from their size.
 */
export function parityRangesInput(raw: string | undefined): {
  parityRanges?: number | Record<string, number>;
} {
  if (raw === undefined) return {};
  const expected =
    `a whole number from 1 to ${MAX_RANGES} for every table (e.g. 16), or table=count pairs ` +
    `separated by commas (e.g. public.payments=32, refunds=4)`;
  const count = (text: string): number => {
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(value) || value < 1 || value > MAX_RANGES) {
      throw new InputError(Inputs.parityRanges, `must be ${expected}; got '${raw}'.`);
    }
    return value;
  };
  if (/^\d+$/.test(raw)) return { parityRanges: count(raw) };
  const ranges: Record<string, number> = {};
  for (const pair of raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)\s*=\s*(\S+)$/.exec(pair);
    if (!match) throw new InputError(Inputs.parityRanges, `must be ${expected}; got '${raw}'.`);
    ranges[match[1]!] = count(match[2]!);
  }
  if (Object.keys(ranges).length === 0) {
    throw new InputError(Inputs.parityRanges, `must be ${expected}; got '${raw}'.`);
  }
  return { parityRanges: ranges };
}
