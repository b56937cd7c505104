/**
 * `npm run rehearse`: the migration's lifecycle on this machine, with no AWS account. Starts the AWS
 * sandbox and real PostgreSQL servers for v1 and v2, loads the guide's world for an environment, and
 * runs each phase's bundled dist/ through the runner harness, in the order the workflows run them.
 * Stops everything it started, and exits non-zero when a phase does not end as the rehearsal expects.
 *
 * Phases so far: 1 (verify v2). Later phases join here as their actions land.
 */
import { parseArgs } from 'node:util';
import { runAction, startLab, type ActionRun, type Lab } from '@dbmig/sandbox';

interface ReportCheck {
  id: string;
  title: string;
  region?: string;
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
    const region = (check.region ?? '').padEnd(20);
    console.log(
      `    ${STATUS[check.status] ?? check.status}  ${check.title.padEnd(width)}  ${region}  ${check.detail}`,
    );
  }
}

interface Phase {
  title: string;
  action: string;
  inputs: Record<string, string>;
  /** What the rehearsal expects: a phase that should pass, or a drill that must be refused. */
  expect: 'success' | 'failure';
  /** Scenario to load first, for a drill. */
  scenario?: string;
}

function phases(environment: string): Phase[] {
  // No ssl-mode: the action's default (`require`) applies, as in AWS; the sandbox's servers speak TLS.
  const common = { environment };
  return [
    {
      title: 'Phase 1 — verify v2 (steps 1.2 and 1.3): v2 healthy and empty before data moves',
      action: 'actions/verify-v2',
      inputs: { ...common, check: 'health', 'expect-empty': 'true' },
      expect: 'success',
    },
    {
      title: 'Drill — verify v2 against a v2 whose secret does not open the database: must refuse',
      action: 'actions/verify-v2',
      inputs: { ...common, check: 'health' },
      expect: 'failure',
      scenario: 'wrong-password',
    },
  ];
}

async function runPhase(lab: Lab, phase: Phase): Promise<boolean> {
  console.log(`\n▶ ${phase.title}`);
  if (phase.scenario) await lab.load(phase.scenario);
  const run = await runAction({
    actionDir: phase.action,
    inputs: phase.inputs,
    env: lab.env(),
    timeoutMs: 300_000,
  });
  printReport(run);
  for (const annotation of run.annotations.filter((a) => a.level === 'error')) {
    console.log(`    ::error:: ${annotation.message}`);
  }
  const succeeded = run.exitCode === 0;
  const asExpected = succeeded === (phase.expect === 'success');
  const outcome = succeeded ? 'succeeded' : `failed (exit ${run.exitCode})`;
  console.log(
    `  ${asExpected ? '✔' : '✘'} ${phase.action} ${outcome} in ${run.durationMs} ms — expected ${phase.expect}`,
  );
  if (!asExpected) console.log(`\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  if (phase.scenario) await lab.load('guide-world');
  return asExpected;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { environment: { type: 'string', default: 'dev' } } });
  const environment = values.environment!;
  const started = Date.now();
  console.log(
    `Rehearsal of the v1 → v2 migration for "${environment}": starting the AWS sandbox and PostgreSQL v1/v2…`,
  );
  const lab = await startLab({ environment });
  let ok = true;
  try {
    console.log(
      `  sandbox ${lab.sandbox.url}; v1 database 127.0.0.1:${lab.databases.v1.port}; v2 database 127.0.0.1:${lab.databases.v2.port}`,
    );
    for (const phase of phases(environment)) {
      if (!(await runPhase(lab, phase))) {
        ok = false;
        break;
      }
    }
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
