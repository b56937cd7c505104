/**
 * `npm run sandbox -- --scenario <name> [--environment dev] [--port 4566]`: starts the AWS sandbox and
 * the v1/v2 PostgreSQL servers with a scenario loaded, prints the variables to export so that any
 * action's dist/ can be run against it by hand, and serves until interrupted. With `--v1-database-url`
 * or `--v2-database-url`, a side's clusters point at a PostgreSQL server the user runs instead.
 */
import { parseArgs } from 'node:util';
import { databaseUrlFlag, startLab, type Lab } from './lab.js';
import {
  parseDatabaseUrl,
  POSTGRES_MAJORS,
  type PostgresMajor,
  type PostgresServer,
} from './postgres/index.js';
import { scenarios } from './scenarios/index.js';

function usage(): string {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return [
    'Usage: npm run sandbox -- --scenario <name> [--environment <env>] [--port <port>]',
    '         [--v1-database-url <url>] [--v2-database-url <url>] [--v1-major <15|17>] [--v2-major <15|17>]',
    '',
    'Starts a local AWS sandbox (RDS, DynamoDB, Secrets Manager, SSM, CloudWatch) on 127.0.0.1 and real',
    'PostgreSQL servers for v1 and v2, loads a scenario, and serves until interrupted (Ctrl-C).',
    '',
    '--v1-database-url, --v2-database-url postgresql://user:password@host:port/database',
    "    Point that side's clusters at a PostgreSQL server you run (a restored copy of production, an",
    '    empty server) instead of one the sandbox starts. Nothing is ever seeded into, dropped from or',
    '    changed in it, and it keeps running when the sandbox stops. The password is never printed.',
    '--v1-major, --v2-major  PostgreSQL major of a server the sandbox starts: 15 (default) or 17.',
    '',
    'Scenarios:',
    ...scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`),
  ].join('\n');
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        scenario: { type: 'string', default: 'guide-world' },
        environment: { type: 'string', default: 'dev' },
        port: { type: 'string', default: '0' },
        'v1-database-url': { type: 'string' },
        'v2-database-url': { type: 'string' },
        'v1-major': { type: 'string', default: '15' },
        'v2-major': { type: 'string', default: '15' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  if (values.help) {
    console.log(usage());
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  if (!scenarios.some((s) => s.name === values.scenario)) {
    console.error(`Unknown scenario "${values.scenario}".\n\n${usage()}`);
    return 2;
  }
  const majors: Partial<Record<'v1' | 'v2', PostgresMajor>> = {};
  const databaseUrls: Partial<Record<'v1' | 'v2', string>> = {};
  for (const side of ['v1', 'v2'] as const) {
    const major = Number(values[`${side}-major`]);
    if (!POSTGRES_MAJORS.includes(major as PostgresMajor)) {
      console.error(
        `--${side}-major must be one of ${POSTGRES_MAJORS.join(', ')}, got "${values[`${side}-major`]}"`,
      );
      return 2;
    }
    majors[side] = major as PostgresMajor;
    const url = values[`${side}-database-url`];
    if (url === undefined) continue;
    try {
      parseDatabaseUrl(url, databaseUrlFlag(side)); // its message never holds the password
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
    databaseUrls[side] = url;
  }

  const lab = await startLab({
    scenario: values.scenario,
    environment: values.environment,
    port,
    majors,
    databaseUrls,
  });
  console.log(`# Sandbox for environment "${values.environment}", scenario "${values.scenario}". Export:`);
  for (const [key, value] of Object.entries(lab.env())) console.log(`export ${key}=${value}`);
  console.log(`# v1 database: ${describe(lab.databases.v1)}, v2 database: ${describe(lab.databases.v2)}`);
  console.log(`# PostgreSQL ${lab.databases.v1.major} (v1), ${lab.databases.v2.major} (v2)`);
  for (const note of nameNotes(lab)) console.log(`# Note: ${note}`);
  console.log(`# For ssl-mode verify-full, also: export NODE_EXTRA_CA_CERTS=${lab.caFile}`);
  console.log('# Serving until interrupted (Ctrl-C).');

  // The listeners stay until the process exits. A terminal's Ctrl-C reaches both tsx and this process,
  // and tsx sends it again when it has not seen this process take it; a second SIGINT that found no
  // listener of ours would let the PostgreSQL lifecycle (postgres/lifecycle.ts) re-raise it and end the
  // process with 130 before "Stopped".
  await new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  await lab.stop();
  console.log('# Stopped.');
  return 0;
}

/** Where a side's database is: the sandbox's own server by port, a server given by URL redacted. */
function describe(server: PostgresServer): string {
  return server.external
    ? `${server.redactedUrl()} (given by ${databaseUrlFlag(server.name === 'v1' ? 'v1' : 'v2')}; never changed)`
    : `${server.host}:${server.port}`;
}

/**
 * The actions take the database name from the config (default `paymentsdb`): a server given by URL with
 * another name needs a config file that says so, or they would connect to the wrong database.
 */
function nameNotes(lab: Lab): string[] {
  const expected = lab.config.database.name;
  return [lab.databases.v1, lab.databases.v2]
    .filter((server) => server.external && server.database !== expected)
    .map(
      (server) =>
        `the ${server.name} database is "${server.database}", the actions' default is "${expected}": ` +
        `run them with a config file holding \`database: { name: ${server.database} }\``,
    );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('sandbox failed to start:', error);
    process.exit(1);
  },
);
