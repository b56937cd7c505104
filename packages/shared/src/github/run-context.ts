import { randomBytes } from 'node:crypto';

/**
 * Which workflow run this is, from the variables the GitHub runner sets
 * (docs.github.com/actions/reference/variables-reference). Everything is optional: outside Actions
 * (the rehearsal, a laptop) none of it is set, and what the toolkit names after the run falls back to
 * a timestamp (see {@link runToken}).
 */
export interface RunContext {
  /** GITHUB_RUN_ID: the same for every attempt (re-run) of one run. */
  runId?: string;
  /** GITHUB_RUN_ATTEMPT: 1 for the first attempt, 2 after "Re-run jobs", ... */
  attempt?: number;
  /** The run's page, for tags and the job summary: `<server>/<owner>/<repo>/actions/runs/<id>`. */
  runUrl?: string;
  /** GITHUB_ACTOR: who started the run. */
  actor?: string;
  /** GITHUB_WORKFLOW: the workflow's name. */
  workflow?: string;
  repository?: string;
  /**
   * Drawn once per context, so that a token made outside Actions is the same every time it is asked
   * for within one process (two backups of one step carry one token).
   */
  readonly fallbackSuffix: string;
}

type Environment = Record<string, string | undefined>;

/** Reads the run from the environment; values that are not what the runner sets are ignored. */
export function readRunContext(env: Environment = process.env): RunContext {
  const runId = digits(env['GITHUB_RUN_ID']);
  const attemptText = digits(env['GITHUB_RUN_ATTEMPT']);
  const attempt = attemptText !== undefined && Number(attemptText) >= 1 ? Number(attemptText) : undefined;
  const repository = nonEmpty(env['GITHUB_REPOSITORY']);
  const server = nonEmpty(env['GITHUB_SERVER_URL'])?.replace(/\/+$/, '') ?? 'https://github.com';
  const context: RunContext = { fallbackSuffix: randomBytes(3).toString('hex') };
  if (runId !== undefined) {
    context.runId = runId;
    // A runner always sets both; a run id alone is its first attempt.
    context.attempt = attempt ?? 1;
    if (repository !== undefined) context.runUrl = `${server}/${repository}/actions/runs/${runId}`;
  }
  if (repository !== undefined) context.repository = repository;
  const actor = nonEmpty(env['GITHUB_ACTOR']);
  if (actor !== undefined) context.actor = actor;
  const workflow = nonEmpty(env['GITHUB_WORKFLOW']);
  if (workflow !== undefined) context.workflow = workflow;
  return context;
}

/**
 * A short token unique per run and attempt, for the names of what a run creates: `r<runId>-<attempt>`
 * in Actions, so that a re-run of the same attempt finds (and adopts) what the first try made, while a
 * new attempt makes its own. Outside Actions: `t<yyyymmddhhmmss>-<6 hex>` in UTC. Only lower-case
 * letters, digits and hyphens, starting with a letter: valid in RDS identifiers and DynamoDB names.
 */
export function runToken(run: RunContext, now: Date = new Date()): string {
  if (run.runId !== undefined) return `r${run.runId}-${run.attempt ?? 1}`;
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `t${stamp}-${run.fallbackSuffix}`;
}

function digits(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed !== undefined && /^\d{1,20}$/.test(trimmed) ? trimmed : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
