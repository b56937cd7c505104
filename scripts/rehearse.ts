/**
 * `npm run rehearse`: the migration's lifecycle on this machine, with no AWS account. Starts the AWS
 * sandbox and real PostgreSQL servers for v1 and v2, loads the payments world for an environment (v1
 * holding a payments-like database and a sessions table, v2 deployed and empty), and runs each phase's
 * bundled dist/ through the runner harness, in the order the workflows run them. Stops everything it
 * started, and exits non-zero when a phase does not end as the rehearsal expects.
 *
 * Phases so far: 1 (verify v2), 2 (back up v1, copy, parity). Later phases join here as their actions land.
 * `--v1-database-url` / `--v2-database-url` point the clusters at PostgreSQL servers the user already runs
 * (a restored copy of production, an empty server): nothing is seeded into or changed in v1 given that way.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  applyPaymentsSchema,
  runAction,
  sandboxClient,
  startLab,
  type ActionRun,
  type Lab,
  type PostgresServer,
} from '@dbmig/sandbox';
import { describeEvent, Ledger } from '@dbmig/shared';

interface ReportCheck {
  id: string;
  title: string;
  region?: string;
  resource?: string;
  status: string;
  detail: string;
}

const STATUS = { pass: '✅ pass', warn: '⚠️  warn', fail: '❌ FAIL', skip: '⏭️  skip' } as Record<
  string,
  string
>;

function printReport(run: ActionRun): void {
  const report = run.outputs['report'];
  if (!report) return;
  const { checks } = JSON.parse(report) as { checks: ReportCheck[] };
  const width = Math.max(...checks.map((c) => c.title.length));
  for (const check of checks) {
    const where = (
      check.id.startsWith('parity-table') ? (check.resource ?? '') : (check.region ?? '')
    ).padEnd(24);
    console.log(
      `    ${STATUS[check.status] ?? check.status}  ${check.title.padEnd(width)}  ${where}  ${check.detail}`,
    );
  }
}

/** migrate-data's figures: the backups, then every table copied, then the items. */
function printMigration(run: ActionRun): void {
  const backups = JSON.parse(run.outputs['backups'] || '[]') as {
    kind: string;
    identifier: string;
    status: string;
  }[];
  for (const b of backups) console.log(`    ${b.kind.padEnd(16)} ${b.identifier}  ${b.status}`);
  const tables = JSON.parse(run.outputs['tables'] || '{}') as Record<
    string,
    { rows: number; bytes: number; seconds: number }
  >;
  for (const [name, t] of Object.entries(tables)) {
    const rate = t.seconds > 0 ? Math.round(t.rows / t.seconds).toLocaleString('en-US') : '—';
    console.log(
      `    ${name.padEnd(24)} ${t.rows.toLocaleString('en-US').padStart(9)} rows  ${(t.bytes / 1e6).toFixed(1).padStart(7)} MB  ${t.seconds.toFixed(2).padStart(6)} s  ${rate} rows/s`,
    );
  }
  if (run.outputs['items']) {
    console.log(`    DynamoDB items copied: ${Number(run.outputs['items']).toLocaleString('en-US')}`);
  }
}

interface Phase {
  title: string;
  action: string;
  inputs: Record<string, string>;
  /** What the rehearsal expects: a phase that should pass, or a drill that must be refused. */
  expect: 'success' | 'failure';
  /** For a drill: what the refusal must say (e.g. the table it names). */
  refusal?: RegExp;
  /** Done to the world just before the phase runs (a drill's sabotage). */
  before?: (lab: Lab) => Promise<void>;
}

/**
 * Which schema path Phase 2 takes: `copy` where a pg_dump at least as new as v1's server is on PATH, else
 * `existing`, with the application's migrations standing in (the rehearsal makes v2's schema itself).
 */
function schemaMode(v1: PostgresServer): { schema: 'copy' | 'existing'; note: string } {
  let version: string;
  try {
    version = execFileSync('pg_dump', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return {
      schema: 'existing',
      note:
        `pg_dump is not on PATH: Phase 2 takes the schema: existing path, the application's migrations ` +
        `standing in. For schema: copy, install a PostgreSQL ${v1.major} client (Debian: postgresql-client-${v1.major}).`,
    };
  }
  const major = Number(/(\d+)(?:\.\d+)?/.exec(version.replace(/^\D+/, ''))?.[1] ?? 0);
  if (major < v1.major) {
    return {
      schema: 'existing',
      note: `${version} is older than v1's PostgreSQL ${v1.major}: Phase 2 takes the schema: existing path, the application's migrations standing in.`,
    };
  }
  return { schema: 'copy', note: `${version} found: Phase 2 copies v1's schema (schema: copy).` };
}

function phases(lab: Lab, environment: string, schema: 'copy' | 'existing'): Phase[] {
  // No ssl-mode: the action's default (`require`) applies, as in AWS; the sandbox's servers speak TLS.
  const common = { environment };
  const v2 = lab.databases.v2;
  return [
    {
      title: 'Phase 1 — verify v2 (steps 1.2 and 1.3): v2 healthy and empty before data moves',
      action: 'actions/verify-v2',
      inputs: { ...common, check: 'health', 'expect-empty': 'true' },
      expect: 'success',
    },
    {
      title: `Phase 2 — migrate data (steps 2.1 to 2.3): back up v1, copy PostgreSQL (schema: ${schema}) and DynamoDB`,
      action: 'actions/migrate-data',
      inputs: { ...common, schema },
      expect: 'success',
      ...(schema === 'existing' && !v2.external
        ? { before: async () => applyPaymentsSchema(v2) } // the application's own migrations
        : {}),
    },
    {
      title: 'Phase 2 — verify parity (step 2.4): v1 and v2 identical by content',
      action: 'actions/verify-v2',
      inputs: { ...common, check: 'parity' },
      expect: 'success',
    },
    ...(v2.external
      ? []
      : [
          {
            title:
              'Drill — a payment changed on v2 behind the toolkit’s back: parity must catch it and name it',
            action: 'actions/verify-v2',
            // More ranges for the big table, so that the differing one is small enough to list its keys.
            inputs: { ...common, check: 'parity', 'parity-ranges': 'public.payments=8' },
            expect: 'failure' as const,
            refusal: /parity-table \(.*"public"\."payments"\).*1234/,
            before: async () => {
              await v2.session((c) =>
                c.query(`UPDATE public.payments SET memo = memo || ' ' WHERE id = 1234`),
              );
            },
          },
        ]),
  ];
}

async function runPhase(lab: Lab, phase: Phase): Promise<boolean> {
  console.log(`\n▶ ${phase.title}`);
  await phase.before?.(lab);
  const run = await runAction({
    actionDir: phase.action,
    inputs: phase.inputs,
    env: lab.env(),
    timeoutMs: 900_000,
  });
  printReport(run);
  if (phase.action.endsWith('migrate-data')) printMigration(run);
  const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  for (const message of errors) console.log(`    ::error:: ${message.slice(0, 600)}`);
  const succeeded = run.exitCode === 0;
  const refusedAsExpected = !phase.refusal || errors.some((e) => phase.refusal!.test(e));
  const asExpected = succeeded === (phase.expect === 'success') && refusedAsExpected;
  const outcome = succeeded ? 'succeeded' : `failed (exit ${run.exitCode})`;
  console.log(
    `  ${asExpected ? '✔' : '✘'} ${phase.action} ${outcome} in ${(run.durationMs / 1000).toFixed(1)} s — expected ${phase.expect}`,
  );
  if (!asExpected) console.log(`\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  return asExpected;
}

/** The migration's record as the later phases' guards will read it: one line per event, on AWS's clock. */
async function printLedger(lab: Lab): Promise<void> {
  const ssm = sandboxClient(SSMClient, lab.sandbox, lab.config.regions.primary);
  try {
    const view = await new Ledger({
      ssm,
      environment: lab.config.environment,
      onSecret: () => undefined,
    }).read();
    console.log(`\nLedger of ${lab.config.environment} (/db-migration/${lab.config.environment}/ledger/):`);
    for (const event of view.events) console.log(`  ${describeEvent(event)}`);
  } finally {
    ssm.destroy();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      environment: { type: 'string', default: 'dev' },
      'v1-database-url': { type: 'string' },
      'v2-database-url': { type: 'string' },
      small: { type: 'boolean', default: false },
    },
  });
  const environment = values.environment!;
  const started = Date.now();
  const scenario = values.small ? 'payments-world' : 'payments-world-large';
  console.log(
    `Rehearsal of the v1 → v2 migration for "${environment}": starting the AWS sandbox and PostgreSQL v1/v2, loading ${scenario}…`,
  );
  // From the environment too: a URL with a password on the command line is visible to every user of the
  // machine in the process list.
  const v1Url = values['v1-database-url'] ?? process.env['DBMIG_V1_DATABASE_URL'];
  const v2Url = values['v2-database-url'] ?? process.env['DBMIG_V2_DATABASE_URL'];
  const databaseUrls = { ...(v1Url ? { v1: v1Url } : {}), ...(v2Url ? { v2: v2Url } : {}) };
  const lab = await startLab({ environment, scenario, databaseUrls });
  let ok = true;
  try {
    const { v1, v2 } = lab.databases;
    console.log(`  sandbox ${lab.sandbox.url}; v1 ${v1.redactedUrl()}; v2 ${v2.redactedUrl()}`);
    const { schema, note } = schemaMode(v1);
    console.log(`  ${note}`);
    for (const phase of phases(lab, environment, schema)) {
      if (!(await runPhase(lab, phase))) {
        ok = false;
        break;
      }
    }
    await printLedger(lab);
  } finally {
    await lab.stop();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${ok ? 'Rehearsal passed' : 'Rehearsal FAILED'} in ${seconds} s; sandbox and databases stopped.`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Rehearsal could not run:', error);
    process.exit(1);
  },
);
