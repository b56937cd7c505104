import {
  planPostgresCopy,
  runPostgresCopy,
  type DataLoader,
  type PostgresCopyPlan,
} from '../data/postgres/copy/index.js';
import { resolveDatabaseEndpoint } from '../resources/database-endpoint.js';
import { dmsTaskDescription, planDmsReplication } from './dms-replication.js';
import { logicalReplication } from './logical-replication.js';
import type { MigrateContext, PlannedStep, TableCopyRecord } from './types.js';

/**
 * Step 2.2, option B done properly: v1's schema (or v2's own, checked against it), then every row from one
 * consistent snapshot of v1 in parallel, then indexes and constraints, then sequences. The plan reads both
 * databases and refuses (a non-empty v2, a missing or older pg_dump, a schema that differs) before
 * anything changes.
 */
async function copy(plan: PostgresCopyPlan): Promise<Record<string, TableCopyRecord>> {
  const result = await runPostgresCopy(plan);
  const tables: Record<string, TableCopyRecord> = {};
  for (const t of result.tables) tables[t.table] = { rows: t.rows, bytes: t.bytes, seconds: t.seconds };
  return tables;
}

export async function planPostgresStep(ctx: MigrateContext): Promise<PlannedStep> {
  const { options } = ctx;
  const endpoint = (side: 'v1' | 'v2') => resolveDatabaseEndpoint({ ...ctx, side, sslMode: options.sslMode });
  const [source, target] = await Promise.all([endpoint('v1'), endpoint('v2')]);
  const copyOptions = {
    schema: options.schema,
    jobs: options.jobs,
    allowNonEmptyTarget: options.allowNonEmptyTarget,
    ...(options.pgDump ? { pgDump: options.pgDump } : {}),
    log: ctx.log,
  };
  if (options.replication === 'dms') {
    // The DMS plan needs the copy's tables, and the copy's plan needs the loader: the loader hands over
    // to the DMS plan, made right after (its refusals still come before anything changes; the loader
    // runs only once both plans are made).
    const planned = (): DataLoader => dms.loader;
    const plan = await planPostgresCopy(source, target, {
      ...copyOptions,
      loader: {
        description: dmsTaskDescription(ctx),
        load: (tables, log) => planned().load(tables, log),
        afterPostData: (log) => planned().afterPostData!(log),
      },
    });
    const tables = plan.tables.map((t) => ({ schema: t.table.schema, name: t.table.name }));
    const dms = await planDmsReplication(ctx, source, target, tables);
    return {
      step: 'postgres',
      lines: [...plan.describe(), ...dms.lines],
      run: async () => {
        try {
          return { tables: await copy(plan), replication: dms.record() };
        } catch (error) {
          await dms.abort().catch(() => undefined);
          throw error;
        }
      },
    };
  }
  if (options.replication !== 'logical') {
    const plan = await planPostgresCopy(source, target, copyOptions);
    return { step: 'postgres', lines: plan.describe(), run: async () => ({ tables: await copy(plan) }) };
  }
  const logical = logicalReplication(ctx);
  const plan = await planPostgresCopy(source, target, { ...copyOptions, snapshot: logical.snapshot });
  const tables = plan.tables.map((t) => ({ schema: t.table.schema, name: t.table.name }));
  const replication = await logical.plan(source, target, tables);
  return {
    step: 'postgres',
    lines: [...plan.describe(), ...replication.lines],
    run: async () => {
      await replication.prepare(plan.tables);
      const copied = await copy(plan);
      return { tables: copied, replication: await replication.subscribe() };
    },
  };
}
