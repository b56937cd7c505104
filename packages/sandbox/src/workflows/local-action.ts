import { existsSync } from 'node:fs';
import path from 'node:path';
import { readActionMetadata, runAction, ActionTimeoutError } from '../harness/index.js';
import { WorkflowStepError } from './errors.js';
import type { StepContext, StepOutcome } from './step-context.js';

/**
 * `uses: ./…/actions/<name>`: the action's bundled dist/ run through the runner harness with the step's
 * evaluated `with:`. Every `with:` name must be one action.yml declares and every required input must be
 * given, checked before the action starts: GitHub only warns of an unknown input and runs on without it,
 * which is how a renamed input reaches production unnoticed.
 */
export async function runLocalAction(uses: string, step: StepContext): Promise<StepOutcome> {
  const dir = path.resolve(step.workspace, uses);
  if (!existsSync(dir)) {
    throw new WorkflowStepError(
      step.where,
      `uses: ${uses}: no action at that path of the workspace (is the repository checked out there, actions/checkout with path:?)`,
    );
  }
  const action = await readActionMetadata(dir);
  const declared = new Map(action.inputs.map((input) => [input.name.toLowerCase(), input]));
  for (const name of Object.keys(step.with)) {
    if (!declared.has(name.toLowerCase())) {
      throw new WorkflowStepError(
        step.where,
        `with.${name}: ${uses} declares no input "${name}"; its inputs: ${action.inputs.map((i) => i.name).join(', ')}`,
      );
    }
  }
  const given = new Set(Object.keys(step.with).map((name) => name.toLowerCase()));
  for (const input of action.inputs) {
    if (input.required && input.default === undefined && !given.has(input.name.toLowerCase())) {
      throw new WorkflowStepError(step.where, `with.${input.name}: required by ${uses} and not given`);
    }
  }
  try {
    const run = await runAction({
      actionDir: dir,
      inputs: step.with,
      env: step.env,
      workspace: step.workspace,
      event: step.event,
      timeoutMs: step.timeoutMs,
    });
    const error = run.exitCode === 0 ? undefined : `${step.where}: the action failed (exit ${run.exitCode})`;
    return {
      ok: run.exitCode === 0,
      outputs: run.outputs,
      exported: run.env,
      run,
      ...(error ? { error } : {}),
    };
  } catch (error) {
    if (error instanceof ActionTimeoutError) {
      return {
        ok: false,
        outputs: error.run.outputs,
        exported: {},
        run: error.run,
        error: `${step.where}: ${error.message}`,
      };
    }
    throw error;
  }
}
