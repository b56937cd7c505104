import { planPostgresCopy, runPostgresCopy } from '../data/postgres/copy/index.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import type { MigrateContext, PlannedStep, TableCopyRecord } from './types.js';

/**
 * Step 2.2, option B done properly: v1's schema (or v2's own, checked against it), then every row from one
 * consistent snapshot of v1 in parallel, then indexes and constraints, then sequences. The plan reads both
 * databases and refuses (a non-empty v2, a missing or older pg_dump, a schema that differs) before
 * anything changes.
 */
export async function planPostgresStep(ctx: MigrateContext): Promise<PlannedStep> {
  const { options } = ctx;
  const endpoint = (side: 'v1' | 'v2') => resolveDatabaseEndpoint({ ...ctx, side, sslMode: options.sslMode });
  const [source, target] = await Promise.all([endpoint('v1'), endpoint('v2')]);
  const plan = await planPostgresCopy(source, target, {
    schema: options.schema,
    jobs: options.jobs,
    allowNonEmptyTarget: options.allowNonEmptyTarget,
    ...(options.pgDump ? { pgDump: options.pgDump } : {}),
    log: ctx.log,
  });
  return {
    step: 'postgres',
    lines: plan.describe(),
    run: async () => {
      const result = await runPostgresCopy(plan);
      const tables: Record<string, TableCopyRecord> = {};
      for (const t of result.tables) tables[t.table] = { rows: t.rows, bytes: t.bytes, seconds: t.seconds };
      return { tables };
    },
  };
}
