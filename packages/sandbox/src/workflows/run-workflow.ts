import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from '@actions/workflow-parser/model/workflow-template';
import type { ApprovalInput, GitHubApi } from '../github/index.js';
import { HARNESS_REPOSITORY } from '../harness/index.js';
import { WorkflowInputError } from './errors.js';
import type { Plain } from './expressions.js';
import { dispatchInputs, type DispatchInputs, type InputsContext } from './inputs.js';
import { runJob, type JobHost, type JobRecord, type StepRecord } from './job.js';
import { orderedJobs } from './job-order.js';
import { loadWorkflow, type LoadedWorkflow } from './load.js';

/*
 * Runs a repository's real workflow files on this machine, as GitHub would run one event of them: jobs
 * in `needs` order (one at a time), `if:` (success() by default), `env:` at every level, `with:`,
 * `concurrency`, matrix legs, `environment:` gates approved in the sandbox's GitHub, job outputs through
 * `needs`. Toolkit actions run from their bundled dist/ through the runner harness; third-party actions by
 * their stand-ins; `run:` steps with bash. A job's failure skips the jobs that need it unless their `if:`
 * says otherwise, and fails the run.
 */

/** A GitHub environment's settings: its required reviewers and its variables (`vars`). */
export interface EnvironmentSettings {
  /** Logins of required reviewers; the first approves each job held by the environment. */
  reviewers?: string[];
  vars?: Record<string, string>;
}

export interface WorkflowRunnerOptions {
  /** The sandbox's GitHub: environments and approvals are recorded there, its token is `github.token`. */
  github: GitHubApi;
  /** What configure-aws-credentials exports: the sandbox's AWS variables for a Region. */
  aws: (region: string) => Record<string, string>;
  /** `github.repository`; default the harness's. */
  repository?: string;
  /** The folder a checkout of the repository gives; default this repository's root. */
  checkoutRoot?: string;
  /** Repository variables (`vars`), under each environment's own. */
  vars?: Record<string, string>;
  /** Settings → Environments. An environment a job names and this leaves out has no protection rules. */
  environments?: Record<string, EnvironmentSettings>;
  secrets?: Record<string, string>;
  /** Each job and step as it runs; default console.log. */
  log?: (line: string) => void;
  /** Called after each step, e.g. to print an action's report. */
  onStep?: (step: StepRecord, job: JobRecord) => void;
  /** Per step; default 15 minutes. */
  stepTimeoutMs?: number;
}

export interface WorkflowRun {
  file: string;
  runId: string;
  conclusion: 'success' | 'failure';
  jobs: Record<string, JobRecord>;
  /** Every failure of the run, in order, each naming the workflow, the job and the step. */
  errors: string[];
}

export interface PullRequestEvent {
  number: number;
  headRef: string;
  baseRef?: string;
}

export interface RunOptions {
  /** Only the matrix legs with these values run, e.g. `{ environment: 'dev' }`. */
  matrix?: Record<string, string>;
}

// The harness's actor: who the ledger records as having started each run.
const ACTOR = 'release-engineer';
const SHA = 'c0ffee'.padEnd(40, '0');

export class WorkflowRunner {
  private readonly repository: string;
  private readonly log: (line: string) => void;
  private readonly created = new Set<string>();
  private readonly approvals = new Map<string, ApprovalInput[]>();

  constructor(private readonly options: WorkflowRunnerOptions) {
    this.repository = options.repository ?? HARNESS_REPOSITORY;
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** `workflow_dispatch` of `file` with `inputs`, checked against its `on.workflow_dispatch.inputs`. */
  async dispatch(file: string, given: DispatchInputs = {}, options: RunOptions = {}): Promise<WorkflowRun> {
    const workflow = await loadWorkflow(file);
    const inputs = dispatchInputs(workflow.file, workflow.template, given);
    const eventInputs = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)]));
    return this.run(workflow, 'workflow_dispatch', 'refs/heads/main', inputs, options, {
      inputs: eventInputs,
      ref: 'refs/heads/main',
      workflow: workflow.file,
    });
  }

  /** A `pull_request` (opened, from a branch of the repository) for `file`, which must be on `pull_request`. */
  async pullRequest(file: string, pr: PullRequestEvent, options: RunOptions = {}): Promise<WorkflowRun> {
    const workflow = await loadWorkflow(file);
    if (!workflow.template.events.pull_request) {
      throw new WorkflowInputError(workflow.file, 'has no on.pull_request: a pull request does not run it');
    }
    const repo = { full_name: this.repository };
    return this.run(workflow, 'pull_request', `refs/pull/${pr.number}/merge`, {}, options, {
      action: 'opened',
      number: pr.number,
      pull_request: {
        number: pr.number,
        head: { ref: pr.headRef, sha: SHA, repo },
        base: { ref: pr.baseRef ?? 'main', repo },
      },
    });
  }

  private async run(
    workflow: LoadedWorkflow,
    eventName: string,
    ref: string,
    inputs: InputsContext,
    options: RunOptions,
    payload: Record<string, unknown>,
  ): Promise<WorkflowRun> {
    const { file, name, template } = workflow;
    const runId = String(4_000_000_000 + (randomBytes(4).readUInt32BE() % 1_000_000_000));
    const [owner = '', repoName = ''] = this.repository.split('/');
    const event = {
      ...payload,
      repository: { full_name: this.repository, name: repoName, owner: { login: owner } },
      sender: { login: ACTOR },
    };
    const github: Record<string, Plain> = {
      repository: this.repository,
      repository_owner: owner,
      sha: SHA,
      ref,
      event_name: eventName,
      event: event as Plain,
      run_id: runId,
      run_number: '1',
      run_attempt: '1',
      actor: ACTOR,
      triggering_actor: ACTOR,
      workflow: name,
      token: this.options.github.token,
      api_url: this.options.github.url,
      server_url: 'https://github.com',
    };
    const run: WorkflowRun = { file, runId, conclusion: 'success', jobs: {}, errors: [] };
    this.log(`  ⎔ ${file} (${name}): ${eventName}, run ${runId}`);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbmig-workflow-'));
    const state = {
      workflow,
      github,
      inputs,
      event,
      runId,
      eventName,
      actor: ACTOR,
      jobs: run.jobs,
      scratch,
      ...(options.matrix ? { matrix: options.matrix } : {}),
    };
    try {
      for (const job of orderedJobs(template.jobs as Job[], file)) {
        const record = await runJob(this.jobHost(), state, job);
        run.jobs[record.id] = record;
        if (record.result === 'failure') {
          run.conclusion = 'failure';
          run.errors.push(record.error ?? `${file}: job ${record.id} failed`);
        }
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    this.log(`  ${run.conclusion === 'success' ? '✓' : '✗'} ${file}: ${run.conclusion}`);
    return run;
  }

  private jobHost(): JobHost {
    const { github } = this.options;
    return {
      repository: this.repository,
      githubUrl: github.url,
      token: github.token,
      vars: this.options.vars ?? {},
      environmentVars: (environment) => this.options.environments?.[environment]?.vars ?? {},
      secrets: this.options.secrets ?? {},
      aws: this.options.aws,
      ...(this.options.checkoutRoot ? { checkoutRoot: this.options.checkoutRoot } : {}),
      stepTimeoutMs: this.options.stepTimeoutMs ?? 900_000,
      log: this.log,
      gate: (environment, runId) => this.gate(environment, runId),
      ...(this.options.onStep ? { onStep: this.options.onStep } : {}),
    };
  }

  /**
   * A job held by `environment`: the environment exists in the sandbox's GitHub with its required
   * reviewers (as GitHub creates an environment a job names), and the first of them approves this run
   * there, in the review history the toolkit's ledger and cleanup read.
   */
  private gate(environment: string, runId: string): void {
    const reviewers = this.options.environments?.[environment]?.reviewers ?? [];
    if (!this.created.has(environment.toLowerCase())) {
      this.options.github.setEnvironment(
        this.repository,
        environment,
        reviewers.length > 0
          ? { reviewers: reviewers.map((login) => ({ type: 'User' as const, login })) }
          : {},
      );
      this.created.add(environment.toLowerCase());
    }
    const reviewer = reviewers[0];
    if (!reviewer) return;
    const approvals = this.approvals.get(runId) ?? [];
    approvals.push({
      state: 'approved',
      login: reviewer,
      environments: [environment],
      comment: 'approved for this run',
    });
    this.approvals.set(runId, approvals);
    this.options.github.setApprovals(this.repository, runId, approvals);
    this.log(`    ⏸ held by environment ${environment}: approved by ${reviewer}`);
  }
}
