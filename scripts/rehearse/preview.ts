import { existsSync } from 'node:fs';
import path from 'node:path';
import { HARNESS_REPOSITORY, type Lab } from '@dbmig/sandbox';
import type { WorkflowRunner } from '@dbmig/sandbox/workflows';

/** The pull request the rehearsal opens: the change that brings the v2 stack. */
const PULL_REQUEST = 1;
const SHOWN_LINES = 12;

/**
 * `preview.yml` once as a `pull_request` event, its matrix leg for the rehearsed environment alone (the
 * lab holds that environment's world only), before the lifecycle changes the world: what each phase
 * would do, as the pull request's sticky comment shows it. Skipped, saying so, while the repository has
 * no such workflow.
 */
export async function runPreview(
  lab: Lab,
  runner: WorkflowRunner,
  environment: string,
  workflows: string,
): Promise<boolean> {
  // The pull-request workflow, when the repository has it: read-only, so it may run before anything changes.
  const PREVIEW = path.join(workflows, 'preview.yml');
  if (!existsSync(PREVIEW)) {
    console.log('\n  (no .github/workflows/preview.yml yet: the pull-request preview is not rehearsed)');
    return true;
  }
  console.log(
    `\n▶ Preview — preview.yml on a pull request, for ${environment}: each phase's plan, read-only`,
  );
  const run = await runner.pullRequest(
    PREVIEW,
    { number: PULL_REQUEST, headRef: 'db-migration/v2' },
    { matrix: { environment } },
  );
  const comments = lab.github.issueComments(HARNESS_REPOSITORY, PULL_REQUEST);
  for (const comment of comments) {
    const lines = comment.body.split('\n');
    console.log(
      `    comment #${comment.id} by ${comment.user.login} on pull request ${PULL_REQUEST} (${lines.length} lines):`,
    );
    // Its head: the verdict of each phase and the fingerprints; the details follow on the pull request.
    for (const line of lines.slice(0, SHOWN_LINES)) console.log(`      ${line}`);
    if (lines.length > SHOWN_LINES) console.log(`      … ${lines.length - SHOWN_LINES} more lines`);
  }
  const ok = run.conclusion === 'success' && comments.length === 1;
  console.log(
    `  ${ok ? '✔' : '✘'} preview.yml ${run.conclusion}, ${comments.length} comment(s) — expected success and one comment`,
  );
  for (const error of run.errors) console.log(`    ✘ ${error}`);
  return ok;
}
