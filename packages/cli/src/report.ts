import type { EnvironmentPlan } from './diff.js';

/*
 * What setup-environments prints: per environment, whether it is created, updated or unchanged, and per
 * rule the value before → after. A dry run prints the same with "would", and says nothing was changed.
 */
export function formatPlans(repository: string, plans: EnvironmentPlan[], dryRun: boolean): string {
  const lines = [`Environments of ${repository}${dryRun ? ' (dry run: nothing is changed)' : ''}:`];
  for (const plan of plans) {
    lines.push(`  ${plan.name} (${plan.purpose}): ${verb(plan, dryRun)}`);
    for (const change of plan.changes) lines.push(`    ${change.rule}: ${change.before} → ${change.after}`);
  }
  const changing = plans.filter((plan) => plan.action !== 'unchanged');
  if (changing.length === 0) {
    lines.push('Nothing changed: every environment already has these rules.');
  } else if (dryRun) {
    lines.push(
      `${changing.length} of ${plans.length} environments would change; run again without --dry-run to apply.`,
    );
  } else {
    lines.push(`${changing.length} of ${plans.length} environments changed.`);
  }
  return lines.join('\n');
}

function verb(plan: EnvironmentPlan, dryRun: boolean): string {
  switch (plan.action) {
    case 'unchanged':
      return 'unchanged';
    case 'create':
      return `${dryRun ? 'would be created' : 'created'}${plan.changes.length === 0 ? ' (no protection rules)' : ''}`;
    case 'update':
      return dryRun ? 'would be updated' : 'updated';
  }
}
