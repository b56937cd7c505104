import type { ActionRun } from '../harness/index.js';

/** What a step is given: where it runs and everything it may read. */
export interface StepContext {
  /** `migrate.yml: job cutover, step 5 (./.db-migration-toolkit/actions/cutover)`, for every message. */
  where: string;
  /** GITHUB_WORKSPACE of the job: the caller's checkout, with the toolkit's beside it. */
  workspace: string;
  /** Environment of the step's process: the runner's variables, what earlier steps exported, `env:`. */
  env: Record<string, string>;
  /** The evaluated `with:`. */
  with: Record<string, string>;
  /** The webhook payload behind GITHUB_EVENT_PATH. */
  event: Record<string, unknown>;
  timeoutMs: number;
  log: (line: string) => void;
}

/** How a step ended, and what it left for the next ones. */
export interface StepOutcome {
  ok: boolean;
  outputs: Record<string, string>;
  /** Variables exported to the rest of the job (GITHUB_ENV, or configure-aws-credentials' AWS_*). */
  exported: Record<string, string>;
  /** Why it failed, in one message naming the workflow, the job and the step. */
  error?: string;
  /** One line on what a stand-in did, shown beside the step. */
  note?: string;
  /** The bundled action's run, for a `uses: ./…/actions/<name>` step. */
  run?: ActionRun;
}

export const passed = (note?: string, exported: Record<string, string> = {}): StepOutcome => ({
  ok: true,
  outputs: {},
  exported,
  ...(note ? { note } : {}),
});
