import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Job, Step } from '@actions/workflow-parser/model/workflow-template';
import { repositoryRoot, type ActionRun } from '../harness/index.js';
import { WorkflowExpressionError, WorkflowStepError } from './errors.js';
import {
  asString,
  evaluateCondition,
  evaluateStrings,
  evaluateToken,
  type Plain,
  type Scope,
} from './expressions.js';
import type { InputsContext } from './inputs.js';
import { ancestorIds } from './job-order.js';
import type { LoadedWorkflow } from './load.js';
import { runLocalAction } from './local-action.js';
import { expandMatrix, legName, type MatrixLeg } from './matrix.js';
import { runScript } from './run-script.js';
import { runStandIn, type StandInHost } from './stand-ins.js';
import type { StepContext, StepOutcome } from './step-context.js';

/*
 * One job of a run: its `if:` against the jobs it needs, its matrix legs, and for each leg its
 * environment gate, its concurrency group, its `env:`, its steps in order (each with its own `if:`,
 * success() by default) and its outputs from `steps.<id>.outputs`.
 */

export type Result = 'success' | 'failure' | 'skipped';

export interface StepRecord {
  /** `id:`, or the parser's generated one (`__actions_checkout`). */
  id: string;
  name: string;
  uses?: string;
  outcome: Result;
  conclusion: Result;
  outputs: Record<string, string>;
  error?: string;
  run?: ActionRun;
}

export interface JobRecord {
  id: string;
  name: string;
  result: Result;
  outputs: Record<string, string>;
  environment?: string;
  concurrency?: string;
  steps: StepRecord[];
  /** A matrix job's legs, each a job of its own (the job's own record sums them up). */
  legs?: JobRecord[];
  /** The first failure of the job, naming the workflow, the job and the step. */
  error?: string;
}

/** The state of one run that its jobs read. */
export interface RunState {
  workflow: LoadedWorkflow;
  github: Record<string, Plain>;
  inputs: InputsContext;
  event: Record<string, unknown>;
  runId: string;
  eventName: string;
  actor: string;
  /** The jobs that have ended so far, by id. */
  jobs: Record<string, JobRecord>;
  scratch: string;
  /** Only the matrix legs with these values run (the others are left out, saying so). */
  matrix?: Record<string, string>;
}

/** What a job needs of the runner. */
export interface JobHost {
  repository: string;
  githubUrl: string;
  token: string;
  vars: Record<string, string>;
  environmentVars: (environment: string) => Record<string, string>;
  secrets: Record<string, string>;
  aws: (region: string) => Record<string, string>;
  checkoutRoot?: string;
  stepTimeoutMs: number;
  log: (line: string) => void;
  gate: (environment: string, runId: string) => void;
  onStep?: (step: StepRecord, job: JobRecord) => void;
}

/** Failures of a workflow's own making: they fail the job, never the runner. */
const workflowError = (error: unknown): error is WorkflowExpressionError | WorkflowStepError =>
  error instanceof WorkflowExpressionError || error instanceof WorkflowStepError;

export async function runJob(host: JobHost, state: RunState, job: Job): Promise<JobRecord> {
  const { file, template } = state.workflow;
  const id = job.id.value;
  const where = `${file}: job ${id}`;
  const ancestors = ancestorIds(id, template.jobs as Job[]).map((n) => state.jobs[n]);
  const needs: Record<string, Plain> = Object.fromEntries(
    (job.needs ?? []).map((n) => [
      n.value,
      { result: state.jobs[n.value]?.result ?? 'skipped', outputs: state.jobs[n.value]?.outputs ?? {} },
    ]),
  );
  const scope = (what: string, matrix: MatrixLeg | null = null): Scope => ({
    contexts: { github: state.github, inputs: state.inputs, needs, vars: host.vars, matrix },
    status: {
      failed: ancestors.some((a) => a?.result === 'failure'),
      skipped: ancestors.some((a) => !a || a.result === 'skipped'),
    },
    where: `${where}, ${what}`,
  });
  const record: JobRecord = { id, name: id, result: 'skipped', outputs: {}, steps: [] };
  try {
    if (!evaluateCondition(job.if.expression, scope('if'))) {
      if (job.name) record.name = asString(evaluateToken(job.name, scope('name')));
      host.log(`  ○ job ${id} — ${record.name}: skipped (if: ${job.if.expression})`);
      return record;
    }
    if (!job.strategy)
      return await runLeg(host, state, job, { matrix: {}, legIndex: 0, total: 1 }, needs, scope);
    const strategy = evaluateToken(job.strategy, scope('strategy'));
    const legs = expandMatrix(strategy, where);
    // fail-fast (true unless set false): a failed leg cancels the legs not yet run.
    const failFast = (strategy as { 'fail-fast'?: Plain })['fail-fast'] !== false;
    const filter = state.matrix ?? {};
    record.legs = [];
    for (const [index, leg] of legs.entries()) {
      if (!Object.entries(filter).every(([k, v]) => !(k in leg) || String(leg[k]) === v)) {
        host.log(`  ○ job ${legName(id, leg)}: left out of this run (matrix ${JSON.stringify(filter)})`);
        continue;
      }
      if (failFast && record.legs.some((l) => l.result === 'failure')) {
        host.log(`  ○ job ${legName(id, leg)}: cancelled (fail-fast, a leg before it failed)`);
        continue;
      }
      record.legs.push(
        await runLeg(host, state, job, { matrix: leg, legIndex: index, total: legs.length }, needs, scope),
      );
    }
    // As GitHub sums up a matrix: failed if a leg failed, its outputs those of the last leg to set them.
    const ran = record.legs.filter((l) => l.result !== 'skipped');
    record.result = ran.some((l) => l.result === 'failure')
      ? 'failure'
      : ran.length > 0
        ? 'success'
        : 'skipped';
    record.outputs = Object.assign({}, ...record.legs.map((l) => l.outputs)) as Record<string, string>;
    record.error = record.legs.find((l) => l.error)?.error;
    record.name = record.legs[0]?.name ?? id;
  } catch (error) {
    if (!workflowError(error)) throw error;
    record.result = 'failure';
    record.error = error.message;
    host.log(`    ✗ ${error.message}`);
  }
  return record;
}

async function runLeg(
  host: JobHost,
  state: RunState,
  job: Job,
  { matrix, legIndex, total }: { matrix: MatrixLeg; legIndex: number; total: number },
  needs: Record<string, Plain>,
  jobScope: (what: string, matrix?: MatrixLeg | null) => Scope,
): Promise<JobRecord> {
  const { file, template } = state.workflow;
  const id = job.id.value;
  const hasMatrix = Object.keys(matrix).length > 0;
  const where = `${file}: job ${hasMatrix ? legName(id, matrix) : id}`;
  const scope = (what: string): Scope => ({
    ...jobScope(what, hasMatrix ? matrix : null),
    where: `${where}, ${what}`,
  });
  const record: JobRecord = { id, name: id, result: 'success', outputs: {}, steps: [] };
  try {
    const named = job.name ? asString(evaluateToken(job.name, scope('name'))) : id;
    record.name = hasMatrix && (!job.name || job.name.isLiteral) ? legName(named, matrix) : named;
    const environment = job.environment
      ? environmentName(evaluateToken(job.environment, scope('environment')))
      : undefined;
    const concurrency = job.concurrency ? evaluateToken(job.concurrency, scope('concurrency')) : undefined;
    const group =
      typeof concurrency === 'string' ? concurrency : (concurrency as { group?: Plain } | undefined)?.group;
    if (job['runs-on']) evaluateToken(job['runs-on'], scope('runs-on'));
    if (environment) record.environment = environment;
    if (group !== undefined && group !== null) record.concurrency = asString(group);
    const facts = [
      environment ? `environment ${environment}` : '',
      record.concurrency ? `concurrency ${record.concurrency}` : '',
    ].filter(Boolean);
    host.log(`\n  ● job ${id} — ${record.name}${facts.length ? `  [${facts.join('; ')}]` : ''}`);
    if (environment) host.gate(environment, state.runId);

    const vars = { ...host.vars, ...(environment ? host.environmentVars(environment) : {}) };
    const secrets = { GITHUB_TOKEN: host.token, ...host.secrets };
    const base = {
      github: state.github,
      inputs: state.inputs,
      needs,
      vars,
      secrets,
      matrix: hasMatrix ? matrix : null,
      strategy: { 'job-total': total, 'job-index': legIndex },
    };
    const envScope = (at: string, env: Record<string, string>): Scope => ({
      contexts: { ...base, env },
      status: { failed: false },
      where: at,
    });
    const workflowEnv = evaluateStrings(template.env, envScope(`${file}: env`, {}));
    const jobEnv = { ...workflowEnv, ...evaluateStrings(job.env, envScope(`${where}, env`, workflowEnv)) };
    const scratch = path.join(state.scratch, `${id}-${Object.values(matrix).join('-')}`);
    const workspace = path.join(scratch, 'workspace');
    await mkdir(workspace, { recursive: true });
    const standIns: StandInHost = {
      repository: host.repository,
      checkoutRoot: host.checkoutRoot ?? repositoryRoot(),
      aws: host.aws,
      artifactsDir: path.join(state.scratch, 'artifacts'),
    };
    // What the runner itself sets for every step (GITHUB_TOKEN is not among them: a step gets it only
    // through its env:, as on GitHub).
    const runnerEnv: Record<string, string> = {
      GITHUB_API_URL: host.githubUrl,
      GITHUB_REPOSITORY: host.repository,
      GITHUB_REPOSITORY_OWNER: host.repository.split('/')[0] ?? '',
      GITHUB_RUN_ID: state.runId,
      GITHUB_SHA: String(state.github['sha']),
      GITHUB_REF: String(state.github['ref']),
      GITHUB_EVENT_NAME: state.eventName,
      GITHUB_JOB: id,
      GITHUB_WORKFLOW: String(state.github['workflow']),
      GITHUB_ACTOR: state.actor,
      GITHUB_TRIGGERING_ACTOR: state.actor,
      RUNNER_OS: 'Linux',
    };
    const runner = { os: 'Linux', arch: 'X64', name: 'sandbox-runner', temp: path.join(scratch, 'temp') };
    const steps: Record<string, Plain> = {};
    let exported: Record<string, string> = {};
    const rawSteps = state.workflow.rawSteps.get(id) ?? [];

    for (const [index, step] of (job.steps as Step[]).entries()) {
      const uses = 'uses' in step ? step.uses.value : undefined;
      const stepWhere = `${where}, step ${index + 1} (${uses ?? step.id})`;
      const stepScope = (what: string, env: Record<string, string>): Scope => ({
        contexts: { ...base, env, steps, runner, job: { status: record.result } },
        status: { failed: record.result === 'failure' },
        where: `${stepWhere}, ${what}`,
      });
      const stepRecord: StepRecord = {
        id: step.id,
        name: uses ? shortUses(uses) : 'run',
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
        ...(uses ? { uses } : {}),
      };
      try {
        if (step.name) stepRecord.name = asString(evaluateToken(step.name, stepScope('name', jobEnv)));
        const condition = 'if' in step && step.if ? step.if.expression : 'success()';
        if (!evaluateCondition(condition, stepScope('if', jobEnv))) {
          host.log(`    ○ ${stepRecord.name}: skipped`);
        } else {
          const stepEnv = 'env' in step ? evaluateStrings(step.env, stepScope('env', jobEnv)) : {};
          const env = { ...jobEnv, ...stepEnv };
          const context: StepContext = {
            where: stepWhere,
            workspace,
            env: { ...runnerEnv, ...exported, ...env },
            with: uses ? evaluateStrings(rawSteps[index]?.find('with'), stepScope('with', env)) : {},
            event: state.event,
            timeoutMs: host.stepTimeoutMs,
            log: host.log,
          };
          // A toolkit action or a script may take a while: say so before it starts.
          const local = !uses || uses.startsWith('./');
          if (local) host.log(`    ▸ ${stepRecord.name}`);
          const outcome = await runStep(step, context, standIns, stepScope('run', env));
          stepRecord.outcome = outcome.ok ? 'success' : 'failure';
          stepRecord.conclusion = outcome.ok || step['continue-on-error'] === true ? 'success' : 'failure';
          stepRecord.outputs = outcome.outputs;
          if (outcome.run) stepRecord.run = outcome.run;
          if (outcome.error) stepRecord.error = outcome.error;
          exported = { ...exported, ...outcome.exported };
          const seconds = outcome.run ? ` in ${(outcome.run.durationMs / 1000).toFixed(1)} s` : '';
          host.log(
            `    ${outcome.ok ? '✓' : '✗'} ${stepRecord.name}${local ? `: ${stepRecord.outcome}` : ''}${seconds}${outcome.note ? ` — ${outcome.note}` : ''}`,
          );
        }
      } catch (error) {
        if (!workflowError(error)) throw error;
        stepRecord.outcome = 'failure';
        stepRecord.conclusion = 'failure';
        stepRecord.error = error.message;
        host.log(`    ✗ ${error.message}`);
      }
      steps[step.id] = {
        outputs: stepRecord.outputs,
        outcome: stepRecord.outcome,
        conclusion: stepRecord.conclusion,
      };
      record.steps.push(stepRecord);
      if (stepRecord.conclusion === 'failure') {
        record.result = 'failure';
        record.error ??= stepRecord.error ?? `${stepWhere}: failed`;
      }
      host.onStep?.(stepRecord, record);
    }
    // Evaluated whatever the job's result, as GitHub does: a failed cutover still reports cut-over.
    if (job.outputs) {
      record.outputs = evaluateStrings(job.outputs, {
        contexts: { ...base, env: jobEnv, steps, runner, job: { status: record.result } },
        status: { failed: record.result === 'failure' },
        where: `${where}, outputs`,
      });
    }
  } catch (error) {
    if (!workflowError(error)) throw error;
    record.result = 'failure';
    record.error = error.message;
    host.log(`    ✗ ${error.message}`);
  }
  host.log(`  ${record.result === 'success' ? '✓' : '✗'} job ${record.name}: ${record.result}`);
  return record;
}

async function runStep(
  step: Step,
  context: StepContext,
  host: StandInHost,
  scope: Scope,
): Promise<StepOutcome> {
  if ('uses' in step) {
    const uses = step.uses.value;
    if (uses.startsWith('./')) return runLocalAction(uses, context);
    if (uses.startsWith('docker://')) {
      throw new WorkflowStepError(context.where, `uses: ${uses}: container actions are not run here`);
    }
    return runStandIn(uses, context, host);
  }
  if ('run' in step) return runScript(asString(evaluateToken(step.run, scope)), context);
  throw new WorkflowStepError(context.where, 'a step that is neither uses: nor run: is not run here');
}

/** `actions/checkout@d23441a48e51…` shortened to `actions/checkout@d23441a`, for the log. */
function shortUses(uses: string): string {
  return uses.replace(/@([0-9a-f]{7})[0-9a-f]{33}$/, '@$1');
}

/** `environment:` as a name or as `{ name, url }`. */
function environmentName(value: Plain): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof value['name'] === 'string') {
    return value['name'] || undefined;
  }
  return undefined;
}
