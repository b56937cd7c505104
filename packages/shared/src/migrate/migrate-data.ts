import { planBackupStep } from './backup-step.js';
import { planDynamoDbStep } from './dynamodb-step.js';
import { planPostgresStep } from './postgres-step.js';
import type { MigrateContext, MigrateResult, MigrateStep, PlannedStep } from './types.js';

const planners: Record<MigrateStep, (ctx: MigrateContext) => Promise<PlannedStep>> = {
  backup: planBackupStep,
  postgres: planPostgresStep,
  dynamodb: planDynamoDbStep,
};

/**
 * Phase 2 of the guide. Every chosen step is planned first (read-only; a refusal of any step stops them
 * all before anything changes) and its plan printed; with dry-run that is all. Then the backups of v1 are
 * made and awaited, and only then does data move: the PostgreSQL and DynamoDB copies run side by side, as
 * they share nothing. When one copy fails the other is still awaited, so no step is left running unseen.
 */
export async function migrateData(ctx: MigrateContext): Promise<MigrateResult> {
  const planned = await Promise.all(ctx.options.steps.map((step) => planners[step](ctx)));
  for (const step of planned) {
    ctx.log(`Plan — ${step.step}:`);
    for (const line of step.lines) ctx.log(`  ${line}`);
  }
  const result: MigrateResult = {
    dryRun: ctx.options.dryRun,
    plan: planned.map(({ step, lines }) => ({ step, lines })),
    backups: [],
  };
  if (ctx.options.dryRun) {
    ctx.log('dry-run: the plan above was made; nothing was changed.');
    return result;
  }
  const backup = planned.find((step) => step.step === 'backup');
  if (backup) Object.assign(result, await backup.run());
  const copies = planned.filter((step) => step.step !== 'backup');
  const outcomes = await Promise.allSettled(copies.map((step) => step.run()));
  const failures: string[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') Object.assign(result, outcome.value);
    else failures.push(`${copies[i]!.step}: ${(outcome.reason as Error).message ?? String(outcome.reason)}`);
  });
  if (failures.length === 1) throw firstRejection(outcomes);
  if (failures.length > 1) throw new Error(`both copies failed — ${failures.join('; ')}`);
  return result;
}

function firstRejection(outcomes: PromiseSettledResult<unknown>[]): unknown {
  return outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!.reason;
}
