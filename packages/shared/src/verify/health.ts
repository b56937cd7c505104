import { Report } from '../report/index.js';
import { checkAurora } from './aurora-checks.js';
import { checkConnectivity } from './connectivity-checks.js';
import { checkTable } from './table-checks.js';
import type { HealthContext } from './types.js';

/**
 * Phase 1 of the guide, steps 1.2 and 1.3, for one environment's v2 resources. The independent
 * checks run side by side; the connection waits for the cluster's endpoint.
 */
export async function verifyHealth(ctx: HealthContext): Promise<Report> {
  const report = new Report(`v2 health for ${ctx.config.environment}`);
  const [aurora, table] = await Promise.all([checkAurora(ctx), checkTable(ctx)]);
  const connectivity = await checkConnectivity(ctx, aurora.primary);
  for (const check of [...aurora.checks, ...table, ...connectivity]) report.add(check);
  return report;
}
