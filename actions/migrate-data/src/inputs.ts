import { InputError, SSL_MODES, type ActionIO, type SslMode } from '@dbmig/shared';

/** Every input and output name of migrate-data, declared once (action.yml describes each). */
export const Inputs = {
  environment: 'environment',
  config: 'config',
  steps: 'steps',
  jobs: 'jobs',
  allowNonEmptyTarget: 'allow-non-empty-target',
  schema: 'schema',
  pgDump: 'pg-dump',
  dynamodbRateLimit: 'dynamodb-rate-limit',
  dryRun: 'dry-run',
  sslMode: 'ssl-mode',
  maxAttempts: 'max-attempts',
  replication: 'replication',
  allowReplicaIdentityFull: 'allow-replica-identity-full',
  dmsReplicationInstanceArn: 'dms-replication-instance-arn',
  dmsAccessRoleArn: 'dms-access-role-arn',
  dmsV1Secret: 'dms-v1-secret',
  dmsV2Secret: 'dms-v2-secret',
  dmsPollSeconds: 'dms-poll-seconds',
} as const;

export const Outputs = {
  backups: 'backups',
  tables: 'tables',
  items: 'items',
  replication: 'replication',
} as const;

/** The guide's steps 2.1, 2.2 and 2.3, in the order they run. */
export const STEPS = ['backup', 'postgres', 'dynamodb'] as const;
export type Step = (typeof STEPS)[number];
export const SCHEMA_MODES = ['copy', 'existing'] as const;
export const REPLICATION_MODES = ['none', 'logical', 'dms'] as const;

export interface MigrateInputs {
  environment: string;
  config?: string;
  /** In the guide's order, whatever order the input listed them in. */
  steps: Step[];
  jobs: number;
  allowNonEmptyTarget: boolean;
  schema: (typeof SCHEMA_MODES)[number];
  pgDump?: string;
  /** Items per second; undefined: unlimited. */
  dynamodbRateLimit?: number;
  dryRun: boolean;
  sslMode: SslMode;
  maxAttempts?: number;
  replication: (typeof REPLICATION_MODES)[number];
  allowReplicaIdentityFull: boolean;
  /** With replication `dms`. */
  dms?: {
    instanceArn: string;
    accessRoleArn: string;
    v1Secret?: string;
    v2Secret?: string;
    pollSeconds: number;
  };
}

const INSTANCE_ARN = /^arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:rep:[A-Za-z0-9-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** The DMS inputs: required with `replication: dms`, refused without it (they would do nothing). */
function readDms(io: ActionIO, replication: string): MigrateInputs['dms'] {
  const instanceArn = io.string(Inputs.dmsReplicationInstanceArn);
  const accessRoleArn = io.string(Inputs.dmsAccessRoleArn);
  const v1Secret = io.string(Inputs.dmsV1Secret);
  const v2Secret = io.string(Inputs.dmsV2Secret);
  const pollSeconds = io.integer(Inputs.dmsPollSeconds, { default: 15, min: 1, max: 300 });
  if (replication !== 'dms') {
    const given = [
      [Inputs.dmsReplicationInstanceArn, instanceArn],
      [Inputs.dmsAccessRoleArn, accessRoleArn],
      [Inputs.dmsV1Secret, v1Secret],
      [Inputs.dmsV2Secret, v2Secret],
    ].find(([, value]) => value);
    if (given)
      throw new InputError(
        given[0]!,
        `is only used with replication: dms; remove it or set replication: dms.`,
      );
    return undefined;
  }
  if (!instanceArn || !INSTANCE_ARN.test(instanceArn)) {
    throw new InputError(
      Inputs.dmsReplicationInstanceArn,
      `must be the ARN of the DMS replication instance the infrastructure created (arn:aws:dms:<region>:<account>:rep:<id>) with replication: dms; got '${instanceArn ?? ''}'.`,
    );
  }
  if (!accessRoleArn || !ROLE_ARN.test(accessRoleArn)) {
    throw new InputError(
      Inputs.dmsAccessRoleArn,
      `must be the ARN of the IAM role DMS assumes to read the secrets (arn:aws:iam::<account>:role/<name>) with replication: dms; got '${accessRoleArn ?? ''}'.`,
    );
  }
  return {
    instanceArn,
    accessRoleArn,
    ...(v1Secret ? { v1Secret } : {}),
    ...(v2Secret ? { v2Secret } : {}),
    pollSeconds,
  };
}

/** Reads and validates every input before any AWS call. */
export function readInputs(io: ActionIO): MigrateInputs {
  const config = io.string(Inputs.config);
  const pgDump = io.string(Inputs.pgDump);
  const maxAttempts = io.integer(Inputs.maxAttempts, { min: 1, max: 20 });
  const rateLimit = io.integer(Inputs.dynamodbRateLimit, { min: 0, max: 1_000_000 });
  const replication = io.choice(Inputs.replication, REPLICATION_MODES, 'none');
  const dms = readDms(io, replication);
  return {
    environment: io.string(Inputs.environment, { required: true }),
    ...(config ? { config } : {}),
    steps: parseSteps(io.string(Inputs.steps, { default: STEPS.join(',') })),
    jobs: io.integer(Inputs.jobs, { default: 4, min: 1, max: 32 }),
    allowNonEmptyTarget: io.boolean(Inputs.allowNonEmptyTarget, { default: false }),
    schema: io.choice(Inputs.schema, SCHEMA_MODES, 'copy'),
    ...(pgDump ? { pgDump } : {}),
    ...(rateLimit ? { dynamodbRateLimit: rateLimit } : {}),
    dryRun: io.boolean(Inputs.dryRun, { default: false }),
    sslMode: io.choice(Inputs.sslMode, SSL_MODES, 'require'),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
    replication,
    allowReplicaIdentityFull: io.boolean(Inputs.allowReplicaIdentityFull, { default: false }),
    ...(dms ? { dms } : {}),
  };
}

/** `backup, postgres` → ['backup', 'postgres']: known names only, each once, run in the guide's order. */
export function parseSteps(raw: string): Step[] {
  const names = raw
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const expected = `a comma-separated list of ${STEPS.join(', ')}`;
  if (names.length === 0) throw new InputError(Inputs.steps, `must be ${expected}; got '${raw}'.`);
  for (const name of names) {
    if (!(STEPS as readonly string[]).includes(name)) {
      throw new InputError(Inputs.steps, `'${name}' is not a step; expected ${expected}.`);
    }
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new InputError(Inputs.steps, `lists '${duplicate}' twice; expected ${expected}.`);
  return STEPS.filter((step) => names.includes(step));
}
