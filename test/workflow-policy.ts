import { parse } from 'yaml';

/*
 * The rules every workflow of the toolkit keeps, checked on the parsed file (actionlint checks the
 * syntax, the expressions and the known inputs; these are the toolkit's own safety rules):
 * - a job that runs a mutating action waits on a GitHub environment (the cutover and the rollback on
 *   `<env>-cutover`, the cleanup on `<env>-v1-cleanup`) and is in a per-environment concurrency group
 *   that never cancels a job in progress;
 * - no `run:` script holds a `${{ }}` expression (an input or an event field would become code);
 * - every action from another repository is pinned to a full commit SHA;
 * - every job declares its permissions, and they are no broader than it needs: `contents: read`,
 *   `id-token: write` only where AWS credentials are assumed, `actions: read` only where a toolkit action
 *   runs (the ledger reads the run's approvals), `pull-requests: write` only where the preview comments;
 * - no workflow runs on `pull_request_target`, which hands a pull request's code the base branch's write
 *   token and secrets (github.md §6): the read-only preview runs on `pull_request`.
 */

interface Step {
  uses?: string;
  run?: string;
  name?: string;
}

interface Job {
  environment?: string | { name?: string };
  concurrency?: string | { group?: string; 'cancel-in-progress'?: boolean | string };
  permissions?: string | Record<string, string>;
  steps?: Step[];
  uses?: string;
}

interface Workflow {
  on?: string | string[] | Record<string, unknown>;
  permissions?: string | Record<string, string>;
  jobs?: Record<string, Job>;
}

/** The toolkit's actions that change AWS, and the environment suffix each one's job must wait on. */
const MUTATING: Record<string, string | undefined> = {
  'migrate-data': undefined, // any environment (it writes v2 and makes backups of v1)
  cutover: '-cutover',
  rollback: '-cutover',
  'cleanup-v1': '-v1-cleanup',
};

const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;

/** The toolkit action a step runs (`./actions/cutover`, `./.db-migration-toolkit/actions/cutover`), if any. */
function toolkitAction(step: Step): string | undefined {
  return step.uses && /^\.\//.test(step.uses) ? /actions\/([\w-]+)$/.exec(step.uses)?.[1] : undefined;
}

/** Every breach of the rules in one workflow file's text, as `<job>: <what is wrong>`. */
export function workflowBreaches(text: string): string[] {
  const workflow = parse(text) as Workflow;
  const breaches: string[] = [];
  const on = workflow.on ?? {};
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on);
  if (triggers.includes('pull_request_target')) {
    breaches.push(
      "workflow: runs on pull_request_target, which gives a pull request's code a write token and secrets (use pull_request)",
    );
  }
  if (typeof workflow.permissions === 'string') {
    breaches.push(`workflow: permissions ${workflow.permissions} (declare each scope per job)`);
  }
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    const steps = job.steps ?? [];
    const actions = steps.map(toolkitAction).filter((a): a is string => a !== undefined);
    const assumesAws = steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));

    for (const action of actions.filter((a) => a in MUTATING)) {
      const environment = typeof job.environment === 'string' ? job.environment : job.environment?.name;
      const suffix = MUTATING[action];
      if (!environment) breaches.push(`${id}: runs ${action} without an environment gate`);
      else if (suffix && !environment.endsWith(suffix)) {
        breaches.push(`${id}: runs ${action} behind ${environment}, not an environment ending ${suffix}`);
      }
      const group = typeof job.concurrency === 'string' ? job.concurrency : job.concurrency?.group;
      if (!group || !group.includes('inputs.environment')) {
        breaches.push(`${id}: runs ${action} outside a per-environment concurrency group`);
      } else if (typeof job.concurrency === 'object' && job.concurrency['cancel-in-progress'] !== false) {
        breaches.push(`${id}: its concurrency group may cancel a phase in progress`);
      }
    }

    steps.forEach((step, i) => {
      if (step.run?.includes('${{')) {
        breaches.push(`${id}: step ${step.name ?? i + 1} interpolates an expression into its run: script`);
      }
      if (step.uses && !step.uses.startsWith('./') && !PINNED.test(step.uses)) {
        breaches.push(`${id}: ${step.uses} is not pinned to a full commit SHA`);
      }
    });

    if (job.uses) continue; // a called workflow's jobs declare their own
    const permissions = job.permissions ?? workflow.permissions;
    if (permissions === undefined) {
      breaches.push(`${id}: declares no permissions`);
      continue;
    }
    if (typeof permissions === 'string') {
      breaches.push(`${id}: permissions ${permissions} (declare each scope)`);
      continue;
    }
    const allowed: Record<string, string> = { contents: 'read' };
    if (assumesAws) allowed['id-token'] = 'write';
    if (actions.length > 0) allowed['actions'] = 'read';
    if (actions.includes('preview')) allowed['pull-requests'] = 'write';
    for (const [scope, level] of Object.entries(permissions)) {
      if (level === 'none') continue;
      const most = allowed[scope];
      if (most === undefined || (level === 'write' && most === 'read')) {
        breaches.push(`${id}: permission ${scope}: ${level} is more than it needs`);
      }
    }
  }
  return breaches;
}
