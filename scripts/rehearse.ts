/**
 * `npm run rehearse`: the migration's lifecycle on this machine, with no AWS account. Starts the AWS
 * sandbox and real PostgreSQL servers for v1 and v2, loads the payments world for an environment (v1
 * holding a payments-like database and a sessions table, v2 deployed and empty), and runs each phase's
 * bundled dist/ through the runner harness, in the order the workflows run them. Stops everything it
 * started, and exits non-zero when a phase does not end as the rehearsal expects.
 *
 * Phases so far: 1 (verify v2), 2 (back up v1, copy, parity, a drill), 3 (cutover with a short bake,
 * rollback, parity again, cutover again), 4 (a cleanup tried at once and refused, seven days let pass on
 * the sandbox's clock, the cleanup's dry run with its plan, the cleanup, its CHANGELOG entry), and a second
 * environment (`staging`, its own lab) whose v2 is unhealthy: its cutover bakes, fails and rolls back by
 * itself.
 * `--v1-database-url` / `--v2-database-url` point the clusters at PostgreSQL servers the user already runs
 * (a restored copy of production, an empty server): nothing is seeded into or changed in v1 given that way.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  addBucket,
  applyPaymentsSchema,
  days,
  HARNESS_REPOSITORY,
  passTime,
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
  /** Outputs the phase must end with (Phase 3: `cut-over`, `bake`, `rolled-back`). */
  outputs?: Record<string, string>;
  /**
   * The GitHub environment the job runs behind, as the workflow's protected environment: its required
   * reviewer approves this run (the sandbox's GitHub answers both) before it starts.
   */
  gate?: string;
}

/** Who approves the gated phases of the rehearsal, as the environment's required reviewer. */
const REVIEWER = 'dba-lead';

/**
 * A short bake, so that the rehearsal takes seconds: the sandbox's CloudWatch figures move every second,
 * where AWS's move every minute and a real bake is the action's default 15 minutes.
 */
const REHEARSAL_BAKE_MINUTES = '0.1';

/** Phase 3 on a migrated and verified environment: cutover, rollback, parity again, cutover again. */
function cutoverPhases(environment: string): Phase[] {
  const common = { environment, 'bake-minutes': REHEARSAL_BAKE_MINUTES };
  return [
    {
      title: `Phase 3 — cutover (steps 3.1 to 3.3): parameters to v2, both fleets refreshed, a ${REHEARSAL_BAKE_MINUTES}-minute bake`,
      action: 'actions/cutover',
      inputs: common,
      expect: 'success',
      outputs: { 'cut-over': 'true', bake: 'passed' },
      gate: `${environment}-cutover`,
    },
    {
      title:
        'Phase 3 — rollback (step 3.4): the parameters the cutover replaced, restored; traffic proved back on v1',
      action: 'actions/rollback',
      inputs: { environment },
      expect: 'success',
      outputs: { 'rolled-back': 'true' },
    },
    {
      title: 'Phase 2 — verify parity again: a cutover after a rollback needs a parity newer than it',
      action: 'actions/verify-v2',
      inputs: { environment, check: 'parity' },
      expect: 'success',
    },
    {
      title: 'Phase 3 — cutover again',
      action: 'actions/cutover',
      inputs: common,
      expect: 'success',
      outputs: { 'cut-over': 'true', bake: 'passed' },
      gate: `${environment}-cutover`,
    },
  ];
}

/** The S3 bucket the cleanup exports the v1 table to (step 4.2), created in the sandbox before Phase 4. */
const ARCHIVE_BUCKET = 'rehearsal-db-archives';

/**
 * Phase 4 right after the cutover: first refused (v2 has not served alone for seven days, v1 was used
 * today), then seven days pass on the sandbox's clock, then the dry run prints the plan and the cleanup
 * archives and deletes v1 and writes its CHANGELOG entry. Each run is held by the protected environment
 * `<env>-v1-cleanup` and approved there, which the cleanup reads from GitHub (the sandbox's).
 */
function cleanupPhases(environment: string): Phase[] {
  const common = {
    environment,
    confirm: 'DELETE-V1',
    'archive-bucket': ARCHIVE_BUCKET,
    'allow-disable-deletion-protection': 'true',
    'enable-point-in-time-recovery': 'true',
    'poll-seconds': '0.5',
  };
  return [
    {
      title: 'Phase 4 — cleanup tried right after the cutover: refused, with the reason, and nothing changed',
      action: 'actions/cleanup-v1',
      inputs: { ...common, 'dry-run': 'false' },
      expect: 'failure',
      refusal: /Refused by .*v2-stable/,
      gate: `${environment}-v1-cleanup`,
      before: async (lab) => {
        addBucket(lab.sandbox.world, ARCHIVE_BUCKET, lab.config.regions.primary);
      },
    },
    {
      title: 'Phase 4 — seven days later (the sandbox’s clock): the dry run, guards and the whole plan',
      action: 'actions/cleanup-v1',
      inputs: common,
      expect: 'success',
      outputs: { deleted: '[]' },
      gate: `${environment}-v1-cleanup`,
      before: async (lab) => {
        passTime(lab.sandbox, days(7));
        // A sample of the fleet's metrics on the new day, a moment in the past when the cleanup looks.
        await lab.sandbox.fleet.settle();
        passTime(lab.sandbox, 5_000);
      },
    },
    {
      title:
        'Phase 4 — cleanup (steps 4.1 to 4.4): archives awaited, v1 deleted in AWS’s order, the CHANGELOG',
      action: 'actions/cleanup-v1',
      inputs: { ...common, 'dry-run': 'false' },
      expect: 'success',
      gate: `${environment}-v1-cleanup`,
    },
  ];
}

/** Phase 4's figures: the plan, the archives, what was deleted, and the CHANGELOG entry. */
function printCleanup(run: ActionRun): void {
  if (!run.outputs['changelog'] && run.outputs['deleted'] === undefined) return;
  const lines = run.stdout.split('\n');
  const planAt = lines.findIndex((l) => /^The plan( \(nothing was changed\))?:$/.test(l));
  if (planAt >= 0 && run.outputs['deleted'] === '[]') {
    console.log(`    ${lines[planAt]}`);
    for (const line of lines.slice(planAt + 1)) {
      if (!/^ {2}\d+\. /.test(line)) break;
      console.log(`    ${line}`);
    }
  }
  const archives = JSON.parse(run.outputs['archives'] || '[]') as {
    kind: string;
    identifier: string;
    state: string;
    itemCount?: number;
  }[];
  for (const a of archives) {
    console.log(
      `    archive ${a.kind.padEnd(16)} ${a.identifier}  ${a.state}${a.itemCount !== undefined ? `, ${a.itemCount} items` : ''}`,
    );
  }
  const deleted = JSON.parse(run.outputs['deleted'] || '[]') as { resource: string; region?: string }[];
  if (deleted.length > 0) {
    console.log(`    deleted: ${deleted.map((d) => d.resource).join(', ')}`);
  }
  if (run.outputs['changelog']) {
    console.log('    CHANGELOG entry:');
    for (const line of run.outputs['changelog'].split('\n')) console.log(`      ${line}`);
  }
}

/** The second environment, whose v2 is unhealthy: the application on v2 logs database errors. */
function unhealthyPhases(environment: string): Phase[] {
  return [
    {
      title: `${environment}: Phase 2 — migrate data`,
      action: 'actions/migrate-data',
      inputs: { environment },
      expect: 'success',
    },
    {
      title: `${environment}: verify v2 health and parity`,
      action: 'actions/verify-v2',
      inputs: { environment, check: 'all' },
      expect: 'success',
    },
    {
      title: `${environment}: Phase 3 — cutover with auto-rollback: the bake must fail and roll back by itself`,
      action: 'actions/cutover',
      inputs: { environment, 'bake-minutes': REHEARSAL_BAKE_MINUTES, 'auto-rollback': 'true' },
      expect: 'failure',
      refusal: /bake failed.*rolled back/s,
      outputs: { 'cut-over': 'false', bake: 'failed' },
    },
  ];
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
          {
            title: 'Drill undone — the payment put back: parity passes again, so the cutover may go',
            action: 'actions/verify-v2',
            inputs: { ...common, check: 'parity' },
            expect: 'success' as const,
            before: async () => {
              await v2.session((c) =>
                c.query(`UPDATE public.payments SET memo = left(memo, -1) WHERE id = 1234`),
              );
            },
          },
        ]),
    ...cutoverPhases(environment),
    ...cleanupPhases(environment),
  ];
}

async function runPhase(lab: Lab, phase: Phase): Promise<boolean> {
  console.log(`\n▶ ${phase.title}`);
  await phase.before?.(lab);
  const run = await runAction({
    actionDir: phase.action,
    inputs: phase.inputs,
    env: { ...lab.env(), ...(phase.gate ? approvedRun(lab, phase.gate) : {}) },
    timeoutMs: 900_000,
  });
  printReport(run);
  if (phase.action.endsWith('migrate-data')) printMigration(run);
  printPhase3(run);
  if (phase.action.endsWith('cleanup-v1')) printCleanup(run);
  const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  for (const message of errors) console.log(`    ::error:: ${message.slice(0, 600)}`);
  const succeeded = run.exitCode === 0;
  const refusedAsExpected = !phase.refusal || errors.some((e) => phase.refusal!.test(e));
  const outputsAsExpected = Object.entries(phase.outputs ?? {}).every(
    ([name, value]) => run.outputs[name] === value,
  );
  const asExpected = succeeded === (phase.expect === 'success') && refusedAsExpected && outputsAsExpected;
  const outcome = succeeded ? 'succeeded' : `failed (exit ${run.exitCode})`;
  console.log(
    `  ${asExpected ? '✔' : '✘'} ${phase.action} ${outcome} in ${(run.durationMs / 1000).toFixed(1)} s — expected ${phase.expect}`,
  );
  if (!asExpected) console.log(`\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  return asExpected;
}

/**
 * A run held by `environment` and approved there by {@link REVIEWER}, as GitHub records it: the
 * environment with its required reviewer, the run's review history, and a token to read both.
 */
function approvedRun(lab: Lab, environment: string): Record<string, string> {
  const runId = String(4_000_000_000 + Math.floor(Math.random() * 1_000_000));
  lab.github.setEnvironment(HARNESS_REPOSITORY, environment, {
    reviewers: [{ type: 'User', login: REVIEWER }],
  });
  lab.github.setApprovals(HARNESS_REPOSITORY, runId, [
    { state: 'approved', login: REVIEWER, environments: [environment], comment: 'rehearsal sign-off' },
  ]);
  console.log(`    (run ${runId} held by environment ${environment}, approved by ${REVIEWER})`);
  return { ...lab.github.env(), GITHUB_RUN_ID: runId };
}

/** Phase 3's figures: its outputs, the bake's checks, and the rollback's timings as it logged them. */
function printPhase3(run: ActionRun): void {
  const shown = ['cut-over', 'bake', 'rolled-back'].filter((name) => run.outputs[name] !== undefined);
  if (shown.length > 0)
    console.log(`    ${shown.map((name) => `${name}: ${run.outputs[name] || '—'}`).join(', ')}`);
  for (const line of run.stdout.split('\n')) {
    if (/^ {2}(pass|fail|inconclusive): /.test(line)) console.log(`    ${line.trim()}`);
    const timing = /^(Every parameter restored|Traffic back on v1) (\d+) ms after the rollback started/.exec(
      line,
    );
    if (timing) console.log(`    ${timing[1]} in ${(Number(timing[2]) / 1000).toFixed(2)} s`);
  }
  if (run.outputs['writes-at-risk']) {
    const risk = JSON.parse(run.outputs['writes-at-risk']) as {
      afterTraffic?: { rows: number; items?: { written: number } };
    };
    if (risk.afterTraffic) {
      console.log(
        `    writes at risk: ${risk.afterTraffic.rows} rows, ${risk.afterTraffic.items?.written ?? 0} items on v2 since the cutover`,
      );
    }
  }
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

/** After the automatic rollback: every parameter the application reads names v1 again. */
function parametersOnV1(lab: Lab): boolean {
  const { parameters, regions, v1 } = lab.config;
  const held = lab.sandbox.world.region(regions.primary).parameters;
  const endpoint = held.get(parameters.endpoint);
  const server = lab.databases.v1;
  // The endpoint is compared, never printed: it is a SecureString's value.
  const onV1 =
    endpoint?.type === 'SecureString' &&
    endpoint.value === `${server.host}:${server.port}` &&
    held.get(parameters.passwordSecret)?.value === v1.secret &&
    held.get(parameters.dynamodbTable)?.value === v1.table;
  console.log(
    `  ${onV1 ? '✔' : '✘'} the parameters name v1 again (the endpoint as a SecureString, ${v1.secret}, ${v1.table})`,
  );
  return onV1;
}

/** Runs the phases in order, stopping at the first that does not end as expected. */
async function runPhases(lab: Lab, list: Phase[]): Promise<boolean> {
  for (const phase of list) {
    if (!(await runPhase(lab, phase))) return false;
  }
  return true;
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
    ok = await runPhases(lab, phases(lab, environment, schema));
    await printLedger(lab);
  } finally {
    await lab.stop();
  }
  if (ok) {
    // Its own lab: the sandbox's config (names, fleet) is one environment's, and its servers are the
    // lab's own even when the first environment ran on the user's databases.
    const other = environment === 'staging' ? 'qa' : 'staging';
    console.log(`\nA second environment, "${other}", whose v2 is unhealthy (scenario v2-unhealthy)…`);
    const unhealthy = await startLab({ environment: other, scenario: 'v2-unhealthy' });
    try {
      ok = (await runPhases(unhealthy, unhealthyPhases(other))) && parametersOnV1(unhealthy);
      await printLedger(unhealthy);
    } finally {
      await unhealthy.stop();
    }
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
