import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors/input-error.js';
import { buildConfig, loadConfig } from './build-config.js';
import type { MigrationConfig } from './types.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dbmig-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Load from YAML text written to `migration.yml` in a fresh directory. */
function fromYaml(yaml: string, environment = 'dev'): Promise<MigrationConfig> {
  writeFileSync(join(dir, 'migration.yml'), yaml);
  return loadConfig({ environment, configFile: 'migration.yml', cwd: dir });
}

function inputError(build: () => unknown): InputError {
  try {
    build();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError, but the config was accepted');
}

async function rejection(load: () => Promise<unknown>): Promise<InputError> {
  const error = await load().then(
    () => new Error('expected an InputError, but the config was accepted'),
    (e: unknown) => e,
  );
  if (error instanceof InputError) return error;
  throw error;
}

describe('buildConfig defaults', () => {
  it("uses the guide's names for dev", () => {
    expect(buildConfig({ environment: 'dev' })).toEqual({
      environment: 'dev',
      regions: { primary: 'us-east-1', dr: 'us-east-2' },
      database: { name: 'paymentsdb', user: 'dbadmin' },
      v1: {
        secret: 'db-password-dev',
        globalCluster: 'global-db-dev',
        primaryCluster: 'primary-db-cluster-dev',
        primaryInstancePattern: 'primary-db-instance-{i}-dev',
        drCluster: 'dr-db-cluster-dev',
        drInstancePattern: 'dr-db-instance-{i}-dev',
        table: 'session-table-dev',
      },
      v2: {
        secret: 'db-password-v2-dev',
        globalCluster: 'global-db-v2-dev',
        primaryCluster: 'primary-db-cluster-v2-dev',
        primaryInstancePattern: 'primary-db-instance-v2-{i}-dev',
        drCluster: 'dr-db-cluster-v2-dev',
        drInstancePattern: 'dr-db-instance-v2-{i}-dev',
        table: 'session-table-v2-dev',
      },
      parameters: {
        endpoint: '/app/dev/database/endpoint',
        passwordSecret: '/app/dev/database/password-secret',
        dynamodbTable: '/app/dev/dynamodb/table',
      },
      autoScalingGroups: { primary: 'primary-asg-dev', dr: 'dr-asg-dev' },
      aws: { maxAttempts: 5, retryMode: 'adaptive' },
    });
  });

  it('fills any valid environment name, up to 20 characters', () => {
    const config = buildConfig({ environment: 'prod-eu-2-abcdefghij' });
    expect(config.v2.primaryInstancePattern).toBe('primary-db-instance-v2-{i}-prod-eu-2-abcdefghij');
  });

  it('treats an empty config input as no file', async () => {
    expect(await loadConfig({ environment: 'dev', configFile: '' })).toEqual(
      buildConfig({ environment: 'dev' }),
    );
    expect(await loadConfig({ environment: 'dev', maxAttempts: 8 })).toEqual(
      buildConfig({ environment: 'dev', maxAttempts: 8 }),
    );
  });

  it('lets the max-attempts input override the default', () => {
    expect(buildConfig({ environment: 'dev', maxAttempts: 8 }).aws.maxAttempts).toBe(8);
  });
});

describe('buildConfig environment', () => {
  it.each(['../x', 'Prod', 'a b', '', 'dev-', 'a--b', '1dev', '-dev', 'dev_1', 'abcdefghijklmnopqrstu'])(
    'rejects %p, naming the input and the expected form',
    (environment) => {
      const error = inputError(() => buildConfig({ environment }));
      expect(error.input).toBe('environment');
      expect(error.message).toMatch(/^Input 'environment': must be a lowercase letter followed by/);
      expect(error.message).toContain('at most 20 characters');
      expect(error.message).toContain(environment === '' ? 'it is empty' : `got '${environment}'`);
    },
  );

  it('rejects a bad environment even when a config file is given, before reading it', async () => {
    const error = await rejection(() =>
      loadConfig({ environment: 'Prod', configFile: 'does-not-exist.yml', cwd: dir }),
    );
    expect(error.input).toBe('environment');
  });
});

describe('buildConfig max-attempts input', () => {
  it.each([0, -1, 21, 2.5])('rejects %p', async (maxAttempts) => {
    const error = inputError(() => buildConfig({ environment: 'dev', maxAttempts }));
    expect(error.input).toBe('max-attempts');
    expect(error.message).toBe(
      `Input 'max-attempts': must be a whole number from 1 to 20; got ${maxAttempts}.`,
    );
    // With a file too, and before the file is read: it does not exist.
    const withFile = await rejection(() =>
      loadConfig({ environment: 'dev', maxAttempts, configFile: 'does-not-exist.yml', cwd: dir }),
    );
    expect(withFile.message).toBe(error.message);
  });
});

describe('loadConfig with a config file', () => {
  it('overrides names, regions and retry settings, keeping defaults for the rest', async () => {
    const config = await fromYaml(
      [
        '# names differ from the guide in this account',
        'regions:',
        '  primary: eu-west-1',
        '  dr: eu-central-1',
        'database:',
        '  name: payments',
        'v2:',
        '  primary-cluster: payments-{env}-blue',
        '  primary-instance: payments-{env}-blue-{i}',
        '  table: sessions.{env}',
        'parameters:',
        '  endpoint: /payments/{env}/db-endpoint',
        'auto-scaling-groups:',
        '  dr: "{env} DR fleet"',
        'aws:',
        '  max-attempts: 10',
        '  retry-mode: standard',
      ].join('\n'),
      'staging',
    );
    expect(config.regions).toEqual({ primary: 'eu-west-1', dr: 'eu-central-1' });
    expect(config.database).toEqual({ name: 'payments', user: 'dbadmin' });
    expect(config.v2.primaryCluster).toBe('payments-staging-blue');
    expect(config.v2.primaryInstancePattern).toBe('payments-staging-blue-{i}');
    expect(config.v2.table).toBe('sessions.staging');
    expect(config.v2.drCluster).toBe('dr-db-cluster-v2-staging');
    expect(config.v1.primaryCluster).toBe('primary-db-cluster-staging');
    expect(config.parameters.endpoint).toBe('/payments/staging/db-endpoint');
    expect(config.parameters.passwordSecret).toBe('/app/staging/database/password-secret');
    expect(config.autoScalingGroups).toEqual({ primary: 'primary-asg-staging', dr: 'staging DR fleet' });
    expect(config.aws).toEqual({ maxAttempts: 10, retryMode: 'standard' });
  });

  it('lets the max-attempts input win over the file', async () => {
    writeFileSync(join(dir, 'migration.yml'), 'aws:\n  max-attempts: 10\n');
    const config = await loadConfig({
      environment: 'dev',
      configFile: 'migration.yml',
      cwd: dir,
      maxAttempts: 3,
    });
    expect(config.aws.maxAttempts).toBe(3);
  });

  it('accepts an empty file, a file of comments and an empty section', async () => {
    expect((await fromYaml('')).v2.table).toBe('session-table-v2-dev');
    expect((await fromYaml('# nothing yet\n')).v2.table).toBe('session-table-v2-dev');
    expect((await fromYaml('regions:\n  # primary: eu-west-1\n')).regions.primary).toBe('us-east-1');
  });

  it('names the path of a missing file', async () => {
    const error = await rejection(() =>
      loadConfig({ environment: 'dev', configFile: '.github/nope.yml', cwd: dir }),
    );
    expect(error.input).toBe('.github/nope.yml');
    expect(error.message).toContain('Config file .github/nope.yml: cannot be read (no such file;');
    expect(error.message).toContain(join(dir, '.github/nope.yml'));
  });

  it('says when the path is a directory', async () => {
    const error = await rejection(() => loadConfig({ environment: 'dev', configFile: '.', cwd: dir }));
    expect(error.message).toContain('it is a directory');
  });
});

describe('loadConfig config file errors', () => {
  /** The message for `yaml`, checked to name the file, the line and the given text. */
  async function fileError(yaml: string, line: number, ...fragments: string[]): Promise<InputError> {
    const error = await rejection(() => fromYaml(yaml));
    expect(error.input).toBe('migration.yml');
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^Config file migration\\.yml, line ${line}: `));
    for (const fragment of fragments) expect(error.message).toContain(fragment);
    return error;
  }

  it('rejects an unknown top-level key, listing the allowed ones', async () => {
    await fileError(
      'regions:\n  primary: us-east-1\nregoins:\n  dr: us-west-2\n',
      3,
      "unknown key 'regoins' at the top level",
      'allowed keys: regions, database, v1, v2, parameters, auto-scaling-groups, aws',
    );
  });

  it('rejects an unknown key in a section, listing that section’s keys', async () => {
    await fileError(
      'v2:\n  table: t-{env}\n  primary-cluser: x\n',
      3,
      "unknown key 'primary-cluser' under 'v2'",
      'primary-cluster',
    );
    await fileError(
      'aws:\n  retries: 3\n',
      2,
      "unknown key 'retries' under 'aws'; allowed keys: max-attempts, retry-mode",
    );
  });

  it('reports malformed YAML with its line', async () => {
    await fileError('regions:\n  primary: us-east-1\n  dr: [us-east-2\n', 4, 'malformed YAML');
    await fileError(
      'regions:\n  primary: us-east-1\n  primary: us-west-2\n',
      3,
      'malformed YAML: Map keys must be unique',
    );
    await fileError('regions:\n\tprimary: us-east-1\n', 2, 'malformed YAML: Tabs are not allowed');
  });

  it('rejects values of the wrong type', async () => {
    await fileError(
      'regions: us-east-1\n',
      1,
      "'regions' must be a mapping with keys primary, dr; got the text 'us-east-1'",
    );
    await fileError('v2:\n  - table\n', 2, "'v2' must be a mapping");
    await fileError('- regions\n', 1, 'expected a mapping at the top level');
    await fileError(
      'database:\n  name: 123\n',
      2,
      "'database.name' must be a string; got the number 123 (quote it if you meant text)",
    );
    await fileError('database:\n  user:\n', 2, "'database.user' must be a string; got no value");
    await fileError(
      'aws:\n  max-attempts: five\n',
      2,
      "'aws.max-attempts' must be a whole number; got the text 'five'",
    );
    await fileError(
      'aws:\n  max-attempts: 2.5\n',
      2,
      "'aws.max-attempts' must be a whole number; got the number 2.5",
    );
  });

  it('rejects negative and out-of-range counts', async () => {
    await fileError(
      'aws:\n  max-attempts: -1\n',
      2,
      "'aws.max-attempts' must be a whole number from 1 to 20; got -1",
    );
    await fileError('\naws:\n  max-attempts: 0\n', 3, 'from 1 to 20; got 0');
    await fileError('aws:\n  max-attempts: 50\n', 2, 'from 1 to 20; got 50');
  });

  it('rejects an unknown retry mode', async () => {
    await fileError(
      'aws:\n  retry-mode: legacy\n',
      2,
      "'aws.retry-mode' must be one of adaptive, standard; got 'legacy'",
    );
  });

  it('rejects an unknown region, naming the expected form', async () => {
    const error = await fileError(
      'regions:\n  dr: us-east-3\n',
      2,
      "'regions.dr' 'us-east-3' is not an AWS region",
      'such as us-east-1',
    );
    expect(error.message).toContain('eu-west-1');
    await fileError('regions:\n  primary: US-EAST-1\n', 2, 'is not an AWS region');
    await fileError('regions:\n  primary: useast1\n', 2, 'is not an AWS region');
  });

  it('rejects the same region for primary and DR', async () => {
    await fileError(
      'regions:\n  primary: us-east-2\n',
      2,
      "'regions.primary' and 'regions.dr' are both 'us-east-2'",
    );
    await fileError('regions:\n  primary: eu-west-1\n  dr: eu-west-1\n', 3, 'the DR region must differ');
  });

  it('rejects RDS identifiers AWS would refuse', async () => {
    const expected =
      "1-63 letters, digits or hyphens, starting with a letter, without '--' and not ending in a hyphen";
    await fileError(
      'v2:\n  primary-cluster: primary_db-{env}\n',
      2,
      "'v2.primary-cluster' gives 'primary_db-dev'",
      'not a valid RDS identifier',
      expected,
    );
    await fileError('v2:\n  dr-cluster: dr--{env}\n', 2, "gives 'dr--dev'", expected);
    await fileError('v2:\n  global-cluster: "{env}-"\n', 2, "gives 'dev-'");
    await fileError('v2:\n  global-cluster: 2nd-{env}\n', 2, "gives '2nd-dev'");
    await fileError(`v2:\n  primary-cluster: ${'a'.repeat(61)}-{env}\n`, 2, 'not a valid RDS identifier');
    // The pattern must stay valid with a two-digit index.
    await fileError(`v2:\n  primary-instance: ${'a'.repeat(57)}-{env}-{i}\n`, 2, `-dev-15'`);
  });

  it('rejects other names AWS would refuse', async () => {
    await fileError(
      'v2:\n  table: ab\n',
      2,
      "'v2.table' gives 'ab'",
      'not a valid DynamoDB table name',
      '3-255 characters',
    );
    await fileError('v2:\n  table: session table\n', 2, 'not a valid DynamoDB table name');
    await fileError(
      'parameters:\n  endpoint: app/{env}/endpoint\n',
      2,
      'not a valid SSM parameter name',
      "starting with '/'",
    );
    await fileError('parameters:\n  endpoint: /aws/{env}/endpoint\n', 2, 'not a valid SSM parameter name');
    await fileError('v2:\n  secret: "db password {env}"\n', 2, 'not a valid Secrets Manager secret name');
    await fileError(
      'database:\n  name: payments-db\n',
      2,
      "'database.name' 'payments-db' is not a valid PostgreSQL name",
    );
  });

  it('rejects unknown placeholders, and {i} outside instance patterns', async () => {
    await fileError(
      'v2:\n  table: sessions-{environment}\n',
      2,
      "'v2.table' uses unknown placeholder {environment}; allowed: {env}",
    );
    await fileError('v2:\n  primary-cluster: c-{i}-{env}\n', 2, 'unknown placeholder {i}');
    await fileError('v2:\n  primary-instance: i-{n}-{env}\n', 2, 'allowed: {env} and {i}');
  });

  it('refuses a v2 name equal to the v1 name', async () => {
    await fileError(
      'v1:\n  table: sessions-{env}\nv2:\n  table: sessions-{env}\n',
      4,
      "'v1.table' and 'v2.table' both give 'sessions-dev'",
    );
    await fileError(
      'v2:\n  primary-cluster: Primary-DB-Cluster-{env}\n',
      2,
      'v1 and v2 must name different resources',
    );
  });

  it('follows YAML aliases', async () => {
    const config = await fromYaml('v2:\n  secret: &s shared-{env}\n  table: *s\n');
    expect(config.v2.table).toBe('shared-dev');
  });
});
