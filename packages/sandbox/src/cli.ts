/**
 * `npm run sandbox -- --scenario <name> [--environment dev] [--port 4566]`: starts the AWS sandbox and
 * the v1/v2 PostgreSQL servers with a scenario loaded, prints the variables to export so that any
 * action's dist/ can be run against it by hand, and serves until interrupted.
 */
import { parseArgs } from 'node:util';
import { startLab } from './lab.js';
import { scenarios } from './scenarios/index.js';

function usage(): string {
  const width = Math.max(...scenarios.map((s) => s.name.length));
  return [
    'Usage: npm run sandbox -- --scenario <name> [--environment <env>] [--port <port>]',
    '',
    'Starts a local AWS sandbox (RDS, DynamoDB, Secrets Manager, SSM, CloudWatch) on 127.0.0.1 and real',
    'PostgreSQL servers for v1 and v2, loads a scenario, and serves until interrupted (Ctrl-C).',
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

  const lab = await startLab({ scenario: values.scenario, environment: values.environment, port });
  console.log(`# Sandbox for environment "${values.environment}", scenario "${values.scenario}". Export:`);
  for (const [key, value] of Object.entries(lab.env())) console.log(`export ${key}=${value}`);
  console.log(
    `# v1 database: 127.0.0.1:${lab.databases.v1.port}, v2 database: 127.0.0.1:${lab.databases.v2.port}`,
  );
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('sandbox failed to start:', error);
    process.exit(1);
  },
);
