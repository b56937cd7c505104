import path from 'node:path';
import { ACCOUNT_ID, type ActionRun, type Lab } from '@dbmig/sandbox';
import {
  WorkflowFileError,
  WorkflowInputError,
  WorkflowRunner,
  type JobRecord,
  type StepRecord,
  type WorkflowRun,
} from '@dbmig/sandbox/workflows';
import { printActionRun } from './print.js';

/*
 * One dispatch of one of the repository's workflow files, as the rehearsal expects it to end: the run's
 * conclusion, each job's result, what a refusal must say, the outputs the toolkit's actions end with.
 */

export type WorkflowName = 'migrate' | 'rollback' | 'cleanup-v1';

export interface Dispatch {
  title: string;
  workflow: WorkflowName;
  inputs: Record<string, string | boolean>;
  expect: 'success' | 'failure';
  /** Results some jobs must end with, e.g. `{ cutover: 'skipped' }` after a drill. */
  jobs?: Record<string, 'success' | 'failure' | 'skipped'>;
  /** For a refused run: what one of its error annotations must say (e.g. the table it names). */
  refusal?: RegExp;
  /** Outputs a toolkit action's step must end with, by action: `{ cutover: { bake: 'passed' } }`. */
  outputs?: Record<string, Record<string, string>>;
  /** Done to the world just before the dispatch (a drill's sabotage, time passing). */
  before?: (lab: Lab) => Promise<void>;
}

/** Who approves the gated jobs of the rehearsal, as the environment's required reviewer. */
export const REVIEWER = 'dba-lead';

export interface EnvironmentVariables {
  /** Variables of `<env>`, the environment of verify, copy and parity: e.g. DB_MIGRATION_PARITY_RANGES. */
  environment?: Record<string, string>;
  /** Variables of `<env>-cutover`, e.g. DB_MIGRATION_WRITE_STRATEGY. */
  cutover?: Record<string, string>;
  /** Variables of `<env>-v1-cleanup`, e.g. DB_MIGRATION_ARCHIVE_BUCKET. */
  cleanup?: Record<string, string>;
}

/**
 * The runner for one environment's lab, with the repository's GitHub settings as a team sets them up:
 * `<env>` with the environment's role, `<env>-cutover` and `<env>-v1-cleanup` behind a required
 * reviewer, each with `DB_MIGRATION_ROLE_ARN`; configure-aws-credentials lands on the lab's sandbox.
 */
export function runnerFor(
  lab: Lab,
  environment: string,
  variables: EnvironmentVariables = {},
): WorkflowRunner {
  const role = { DB_MIGRATION_ROLE_ARN: `arn:aws:iam::${ACCOUNT_ID}:role/db-migration-${environment}` };
  return new WorkflowRunner({
    github: lab.github,
    aws: (region) => lab.sandbox.env(region),
    // The pull request's preview has no environment: its read-only role is a repository variable.
    vars: { DB_MIGRATION_PREVIEW_ROLE_ARN: `arn:aws:iam::${ACCOUNT_ID}:role/db-migration-preview` },
    environments: {
      [environment]: { vars: { ...role, ...variables.environment } },
      [`${environment}-cutover`]: { reviewers: [REVIEWER], vars: { ...role, ...variables.cutover } },
      [`${environment}-v1-cleanup`]: { reviewers: [REVIEWER], vars: { ...role, ...variables.cleanup } },
    },
    onStep: printStep,
  });
}

/** The toolkit action a step ran (`./.db-migration-toolkit/actions/cutover` → `cutover`). */
function actionOf(step: StepRecord): string | undefined {
  return step.uses?.startsWith('./') ? path.basename(step.uses) : undefined;
}

function printStep(step: StepRecord): void {
  const action = actionOf(step);
  if (action && step.run) printActionRun(action, step.run);
}

function actionRuns(run: WorkflowRun): { action: string; run: ActionRun }[] {
  const jobs = Object.values(run.jobs).flatMap((job: JobRecord) => [job, ...(job.legs ?? [])]);
  return jobs.flatMap((job) =>
    job.steps.flatMap((step) => {
      const action = actionOf(step);
      return action && step.run ? [{ action, run: step.run }] : [];
    }),
  );
}

/** The repository's workflow files, which `--workflows` may point elsewhere (a copy being changed). */
export const WORKFLOWS = path.join(import.meta.dirname, '..', '..', '.github', 'workflows');

/** Dispatches the workflow and says whether the run ended as the rehearsal expects, and why not. */
export async function runDispatch(
  lab: Lab,
  runner: WorkflowRunner,
  dispatch: Dispatch,
  workflows: string,
): Promise<boolean> {
  console.log(`\n▶ ${dispatch.title}`);
  await dispatch.before?.(lab);
  const started = Date.now();
  let run: WorkflowRun;
  try {
    run = await runner.dispatch(path.join(workflows, `${dispatch.workflow}.yml`), dispatch.inputs);
  } catch (error) {
    // A workflow file GitHub would reject, or a dispatch it would answer 422: the rehearsal fails on it.
    if (!(error instanceof WorkflowFileError || error instanceof WorkflowInputError)) throw error;
    console.log(`  ✘ ${error.message}`);
    return false;
  }
  const problems: string[] = [];
  if (run.conclusion !== dispatch.expect) {
    problems.push(`the run ended ${run.conclusion}, expected ${dispatch.expect}`);
    problems.push(...run.errors);
  }
  for (const [job, result] of Object.entries(dispatch.jobs ?? {})) {
    const got = run.jobs[job]?.result ?? 'absent';
    if (got !== result) problems.push(`job ${job} ended ${got}, expected ${result}`);
  }
  const runs = actionRuns(run);
  if (dispatch.refusal) {
    const errors = runs.flatMap((r) =>
      r.run.annotations.filter((a) => a.level === 'error').map((a) => a.message),
    );
    if (!errors.some((e) => dispatch.refusal!.test(e))) {
      problems.push(`no error says ${dispatch.refusal}`);
    }
  }
  for (const [action, outputs] of Object.entries(dispatch.outputs ?? {})) {
    const last = runs.filter((r) => r.action === action).at(-1);
    for (const [name, value] of Object.entries(outputs)) {
      const got = last?.run.outputs[name];
      if (got !== value) problems.push(`${action} output ${name} is ${got ?? '(none)'}, expected ${value}`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = problems.length === 0;
  console.log(
    `  ${ok ? '✔' : '✘'} ${dispatch.workflow}.yml ${run.conclusion} in ${seconds} s — expected ${dispatch.expect}`,
  );
  for (const problem of problems) console.log(`    ✘ ${problem}`);
  if (!ok) {
    for (const { action, run: r } of runs.filter((r) => r.run.exitCode !== 0)) {
      console.log(`\n--- ${action} stdout ---\n${r.stdout}\n--- ${action} stderr ---\n${r.stderr}`);
    }
  }
  return ok;
}

/** Dispatches in order, stopping at the first that does not end as expected. */
export async function runDispatches(
  lab: Lab,
  runner: WorkflowRunner,
  list: Dispatch[],
  workflows: string,
): Promise<boolean> {
  for (const dispatch of list) {
    if (!(await runDispatch(lab, runner, dispatch, workflows))) return false;
  }
  return true;
}
