import { InputError } from '../errors/input-error.js';
import { readConfigFile, type ConfigFile, type StringKey } from './config-file.js';
import {
  defaultAws,
  defaultDatabase,
  defaultRegions,
  defaultTemplates,
  maxAttemptsRange,
} from './defaults.js';
import { validateEnvironment } from './environment.js';
import {
  autoScalingGroupName,
  dynamodbTableName,
  postgresName,
  rdsIdentifier,
  secretName,
  ssmParameterName,
  type NameRule,
} from './names.js';
import { awsRegions, isAwsRegion } from './regions.js';
import { fillEnvironment, instanceName, unknownPlaceholders, type Placeholder } from './templates.js';
import type { Generation, MigrationConfig } from './types.js';

export interface BuildConfigOptions {
  /** The `environment` input. */
  environment: string;
  /** The `max-attempts` input; wins over the file's `aws.max-attempts`. */
  maxAttempts?: number;
}

export interface LoadConfigOptions extends BuildConfigOptions {
  /** The `config` input: path of the optional YAML file, relative to `cwd`. Empty means none. */
  configFile?: string;
  /** Directory the config path is relative to; the workspace (process.cwd()) by default. */
  cwd?: string;
}

/** Where a value came from: the file (with its line) or, for defaults, the environment input. */
interface Setting<T> {
  value: T;
  line?: number;
}

/**
 * The configuration an action runs with: the guide's names for `environment`, overridden by the config
 * file when one is given. Everything is checked here, before any AWS call, and each problem is an
 * InputError that names the input or the file line and the expected form. The inputs are checked before
 * the file is read, so a bad input is reported as such whatever the file holds.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<MigrationConfig> {
  const inputs = checkInputs(options);
  // Async because the YAML parser is loaded only when there is a file to parse.
  const file = options.configFile
    ? await readConfigFile(options.configFile, options.cwd ?? process.cwd())
    : undefined;
  return assemble(inputs, file);
}

/**
 * The guide's names for `environment`, without a config file: what tests, the sandbox and benchmarks
 * use. Synchronous, and checked like {@link loadConfig}.
 */
export function buildConfig(options: BuildConfigOptions): MigrationConfig {
  return assemble(checkInputs(options), undefined);
}

interface CheckedInputs {
  environment: string;
  maxAttempts: number | undefined;
}

function checkInputs(options: BuildConfigOptions): CheckedInputs {
  return {
    environment: validateEnvironment(options.environment),
    maxAttempts: options.maxAttempts === undefined ? undefined : checkMaxAttemptsInput(options.maxAttempts),
  };
}

function assemble(
  { environment, maxAttempts: maxAttemptsInput }: CheckedInputs,
  file: ConfigFile | undefined,
): MigrationConfig {
  // Validated even when the input overrides it: a bad file is a bad file.
  const fileMaxAttempts = readMaxAttemptsFromFile(file);
  const names = new Names(environment, file);

  const regions = readRegions(file);
  const generations = { v1: readGeneration(names, 'v1'), v2: readGeneration(names, 'v2') };
  checkGenerationsDiffer(names, generations);

  return {
    environment,
    regions,
    database: {
      name: names.plain('database.name', defaultDatabase.name, postgresName),
      user: names.plain('database.user', defaultDatabase.user, postgresName),
    },
    ...generations,
    parameters: {
      endpoint: names.template('parameters.endpoint', defaultTemplates.parameters.endpoint, ssmParameterName),
      passwordSecret: names.template(
        'parameters.password-secret',
        defaultTemplates.parameters['password-secret'],
        ssmParameterName,
      ),
      dynamodbTable: names.template(
        'parameters.dynamodb-table',
        defaultTemplates.parameters['dynamodb-table'],
        ssmParameterName,
      ),
    },
    autoScalingGroups: {
      primary: names.template(
        'auto-scaling-groups.primary',
        defaultTemplates['auto-scaling-groups'].primary,
        autoScalingGroupName,
      ),
      dr: names.template(
        'auto-scaling-groups.dr',
        defaultTemplates['auto-scaling-groups'].dr,
        autoScalingGroupName,
      ),
    },
    aws: {
      maxAttempts: maxAttemptsInput ?? fileMaxAttempts,
      retryMode: readRetryMode(file),
    },
  };
}

/** Reads name settings from the file or the defaults, fills `{env}` and checks the result against AWS's rules. */
class Names {
  constructor(
    private readonly environment: string,
    private readonly file: ConfigFile | undefined,
  ) {}

  setting(key: StringKey, fallback: string): Setting<string> {
    return this.file?.string(key) ?? { value: fallback };
  }

  /** A name with no placeholders (database name and user). */
  plain(key: StringKey, fallback: string, rule: NameRule): string {
    const { value, line } = this.setting(key, fallback);
    if (!rule.test(value)) {
      throw this.error(`'${key}' '${value}' is not a valid ${rule.kind}; expected ${rule.expected}.`, line);
    }
    return value;
  }

  /** A template with `{env}` (and, for instance patterns, `{i}`, which is kept). */
  template(
    key: StringKey,
    fallback: string,
    rule: NameRule,
    placeholders: readonly Placeholder[] = ['env'],
  ): string {
    const { value: template, line } = this.setting(key, fallback);
    const unknown = unknownPlaceholders(template, placeholders);
    if (unknown.length > 0) {
      const allowed = placeholders.map((p) => `{${p}}`).join(' and ');
      throw this.error(`'${key}' uses unknown placeholder ${unknown.join(', ')}; allowed: ${allowed}.`, line);
    }
    const filled = fillEnvironment(template, this.environment);
    // An instance pattern must give a valid name for every index Aurora allows (0-15); the widest is checked.
    const example = placeholders.includes('i') ? instanceName(filled, 15) : filled;
    if (!rule.test(example)) {
      const from = template === example ? '' : ` (from '${template}' with environment '${this.environment}')`;
      throw this.error(
        `'${key}' gives '${example}'${from}, which is not a valid ${rule.kind}; expected ${rule.expected}.`,
        line,
      );
    }
    return filled;
  }

  lineOf(key: StringKey): number | undefined {
    return this.file?.string(key)?.line;
  }

  /** Point at the file line when the value came from the file; otherwise the environment input is at fault. */
  error(detail: string, line: number | undefined): InputError {
    if (this.file && line !== undefined) return this.file.error(detail, line);
    return new InputError('environment', detail);
  }
}

/** Each name of a generation: its config key, its field in `Generation`, AWS's rule, its placeholders. */
const generationNames = [
  ['secret', 'secret', secretName, ['env']],
  ['global-cluster', 'globalCluster', rdsIdentifier, ['env']],
  ['primary-cluster', 'primaryCluster', rdsIdentifier, ['env']],
  ['primary-instance', 'primaryInstancePattern', rdsIdentifier, ['env', 'i']],
  ['dr-cluster', 'drCluster', rdsIdentifier, ['env']],
  ['dr-instance', 'drInstancePattern', rdsIdentifier, ['env', 'i']],
  ['table', 'table', dynamodbTableName, ['env']],
] as const satisfies readonly (readonly [
  GenerationKey,
  keyof Generation,
  NameRule,
  readonly Placeholder[],
])[];

type GenerationKey = keyof (typeof defaultTemplates)['v1'];

function readGeneration(names: Names, side: 'v1' | 'v2'): Generation {
  const generation = {} as Generation;
  for (const [key, field, rule, placeholders] of generationNames) {
    generation[field] = names.template(`${side}.${key}`, defaultTemplates[side][key], rule, placeholders);
  }
  return generation;
}

/**
 * v1 and v2 must never name the same resource: cleanup deletes every v1 name, so an override that made a
 * v2 name equal a v1 name would delete v2. RDS identifiers are case-insensitive, hence the lowercase compare.
 */
function checkGenerationsDiffer(names: Names, generations: Record<'v1' | 'v2', Generation>): void {
  for (const [key, field] of generationNames) {
    const v2 = generations.v2[field];
    if (generations.v1[field].toLowerCase() === v2.toLowerCase()) {
      const line = names.lineOf(`v2.${key}`) ?? names.lineOf(`v1.${key}`);
      throw names.error(
        `'v1.${key}' and 'v2.${key}' both give '${v2}'; v1 and v2 must name different resources.`,
        line,
      );
    }
  }
}

function readRegions(file: ConfigFile | undefined): { primary: string; dr: string } {
  // Regions come only from the file; the defaults are valid and distinct.
  if (!file) return { ...defaultRegions };
  const read = (key: 'regions.primary' | 'regions.dr', fallback: string): string => {
    const setting = file.string(key);
    if (setting && !isAwsRegion(setting.value)) {
      throw file.error(
        `'${key}' '${setting.value}' is not an AWS region; expected a region code such as us-east-1. ` +
          `Known regions: ${awsRegions.join(', ')}.`,
        setting.line,
      );
    }
    return setting?.value ?? fallback;
  };
  const primary = read('regions.primary', defaultRegions.primary);
  const dr = read('regions.dr', defaultRegions.dr);
  if (primary === dr) {
    const line = file.string('regions.dr')?.line ?? file.string('regions.primary')?.line;
    throw file.error(
      `'regions.primary' and 'regions.dr' are both '${primary}'; the DR region must differ from the primary region.`,
      line,
    );
  }
  return { primary, dr };
}

function maxAttemptsExpected(): string {
  return `a whole number from ${maxAttemptsRange.min} to ${maxAttemptsRange.max}`;
}

function inMaxAttemptsRange(value: number): boolean {
  return Number.isInteger(value) && value >= maxAttemptsRange.min && value <= maxAttemptsRange.max;
}

function checkMaxAttemptsInput(value: number): number {
  if (!inMaxAttemptsRange(value)) {
    throw new InputError('max-attempts', `must be ${maxAttemptsExpected()}; got ${value}.`);
  }
  return value;
}

function readMaxAttemptsFromFile(file: ConfigFile | undefined): number {
  const setting = file?.integer('aws.max-attempts');
  if (!file || !setting) return defaultAws.maxAttempts;
  if (!inMaxAttemptsRange(setting.value)) {
    throw file.error(
      `'aws.max-attempts' must be ${maxAttemptsExpected()}; got ${setting.value}.`,
      setting.line,
    );
  }
  return setting.value;
}

const retryModes = ['adaptive', 'standard'] as const;

function readRetryMode(file: ConfigFile | undefined): 'adaptive' | 'standard' {
  const setting = file?.string('aws.retry-mode');
  if (!file || !setting) return defaultAws.retryMode;
  const mode = retryModes.find((m) => m === setting.value);
  if (!mode) {
    throw file.error(
      `'aws.retry-mode' must be one of ${retryModes.join(', ')}; got '${setting.value}'.`,
      setting.line,
    );
  }
  return mode;
}
