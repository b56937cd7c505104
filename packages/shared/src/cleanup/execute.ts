import { runStep, type StepContext, type StepOutcome } from './delete-steps.js';
import type { PlanStep } from './plan.js';

/*
 * Carries the plan out in AWS's order, as fast as that order allows: once the DR cluster is detached
 * from the global cluster, the DR and the primary clusters are taken down side by side (each one's
 * instances in parallel), and the table lane (replicas, then the table) runs beside the whole RDS lane.
 * The secret goes last, only when everything else is gone: while a v1 cluster still stands, its
 * password may still be needed to look at it.
 */

export interface StepRecord {
  step: PlanStep;
  outcome: StepOutcome;
}

/** The kinds of step that delete something; the others (protection off, a detach) prepare a deletion. */
const DELETING: ReadonlySet<PlanStep['kind']> = new Set([
  'delete-instance',
  'delete-cluster',
  'delete-global-cluster',
  'remove-table-replica',
  'delete-table',
  'delete-secret',
]);

/** What was deleted (or scheduled for deletion), in the plan's order rather than the lanes' finishing order. */
export function deletionsOf(plan: readonly PlanStep[], done: readonly StepRecord[]): StepRecord[] {
  const order = new Map(plan.map((step, i) => [step.id, i]));
  return done
    .filter((d) => DELETING.has(d.step.kind))
    .sort((a, b) => (order.get(a.step.id) ?? 0) - (order.get(b.step.id) ?? 0));
}

/** A step failed: what was done before it (and beside it), what remains, and why. */
export class CleanupStepError extends Error {
  constructor(
    readonly done: StepRecord[],
    readonly remaining: PlanStep[],
    readonly failures: { step: PlanStep; error: unknown }[],
  ) {
    super(
      failures
        .map(
          ({ step, error }) =>
            `${step.description} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        )
        .join(' '),
    );
    this.name = 'CleanupStepError';
  }
}

export async function executePlan(
  steps: readonly PlanStep[],
  ctx: StepContext,
  onStep: (record: StepRecord) => void = () => undefined,
): Promise<StepRecord[]> {
  const done: StepRecord[] = [];
  const failures: { step: PlanStep; error: unknown }[] = [];
  const run = async (group: PlanStep[]): Promise<boolean> => {
    const settled = await Promise.allSettled(group.map((step) => runStep(step, ctx)));
    settled.forEach((result, i) => {
      const step = group[i]!;
      if (result.status === 'fulfilled') {
        const record = { step, outcome: result.value };
        done.push(record);
        onStep(record);
      } else {
        failures.push({ step, error: result.reason });
      }
    });
    return settled.every((r) => r.status === 'fulfilled');
  };
  const sequence = async (lane: PlanStep[]): Promise<boolean> => {
    for (const group of groups(lane)) if (!(await run(group))) return false;
    return true;
  };
  const lane = (name: PlanStep['lane']) => steps.filter((s) => s.lane === name);

  const rds = async (): Promise<boolean> => {
    const dr = lane('dr');
    const detached = dr.findIndex((s) => s.kind === 'remove-from-global-cluster');
    // The DR cluster's protection and detachment come first; after that the two clusters are independent.
    if (!(await sequence(dr.slice(0, detached + 1)))) return false;
    const [drRest, primary] = await Promise.all([
      sequence(dr.slice(detached + 1)),
      sequence(lane('primary')),
    ]);
    return drRest && primary && (await sequence(lane('global')));
  };
  const [rdsDone, tableDone] = await Promise.all([rds(), sequence(lane('table'))]);
  if (rdsDone && tableDone) await sequence(lane('secret'));

  if (failures.length > 0) {
    const finished = new Set(done.map((d) => d.step.id));
    throw new CleanupStepError(
      done,
      steps.filter((s) => !finished.has(s.id)),
      failures,
    );
  }
  return done;
}

/** Consecutive steps of one kind that may run together (a cluster's instances, a table's replicas). */
function groups(lane: PlanStep[]): PlanStep[][] {
  const out: PlanStep[][] = [];
  for (const step of lane) {
    const last = out.at(-1);
    const parallel = step.kind === 'delete-instance' || step.kind === 'remove-table-replica';
    if (last && parallel && last[0]!.kind === step.kind) last.push(step);
    else out.push([step]);
  }
  return out;
}
