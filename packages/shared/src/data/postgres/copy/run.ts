import { listTables, type TableInfo } from '../catalog.js';
import { connectPostgres, describeEndpoint, withPostgres, type PostgresEndpoint } from '../connection.js';
import { analyzeTables } from './analyze.js';
import { loadData } from './data-step.js';
import { parseDumpScript, type DumpScript } from './dump-script.js';
import { runPgDump } from './pg-dump-run.js';
import { planContext, planPostgresCopy, type PlanContext, type PostgresCopyPlan } from './plan.js';
import { applyPostData } from './post-data.js';
import { applyPreData } from './pre-data.js';
import { PostgresCopyError } from './refusal.js';
import { columnDifferences } from './schema-diff.js';
import { syncSequences } from './sequences.js';
import { joinSnapshot } from './snapshot.js';
import { tablesWithRows } from './target-state.js';
import type { PostgresCopyOptions, PostgresCopyResult, StatementsOutcome } from './types.js';

const nameOf = (t: { schema: string; name: string }): string => `${t.schema}.${t.name}`;
const signature = (t: TableInfo): string =>
  `${nameOf(t)}(${t.columns.map((c) => `${c.name} ${c.type}${c.generated ? ' generated' : ''}`).join(', ')})`;

/**
 * The plan read v1 before the snapshot was taken: a table created, dropped or altered in between would be
 * missed or copied wrongly. Checked inside the snapshot, where every worker reads.
 */
async function checkSourceUnchanged(
  source: PostgresEndpoint,
  snapshotId: string,
  plan: PostgresCopyPlan,
): Promise<void> {
  const client = await connectPostgres(source, 'copy check');
  try {
    await joinSnapshot(client, snapshotId);
    const now = (await listTables(client)).map(signature).sort();
    const planned = plan.tables.map((t) => signature(t.table)).sort();
    const changed = [
      ...now.filter((s) => !planned.includes(s)).map((s) => `now ${s}`),
      ...planned.filter((s) => !now.includes(s)).map((s) => `planned ${s}`),
    ];
    if (changed.length > 0) {
      throw new PostgresCopyError(
        `v1's tables changed since the plan (${changed.join('; ')}); nothing was copied: run the step again`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Right before the first row is written: every table is on v2 with v1's columns (schema copy skipped
 * objects already there, which must match), and v2 is still empty unless a non-empty target is allowed.
 */
async function checkTargetReady(context: PlanContext, plan: PostgresCopyPlan): Promise<void> {
  const where = describeEndpoint(context.target);
  await withPostgres(
    context.target,
    async (client) => {
      const v2 = new Map((await listTables(client)).map((t) => [nameOf(t), t]));
      const problems = plan.tables.flatMap(({ table }) => {
        const other = v2.get(nameOf(table));
        return other ? columnDifferences(table, other) : [`table ${nameOf(table)} is not on v2`];
      });
      if (problems.length > 0) {
        throw new PostgresCopyError(
          `v2's tables do not match v1's; no row was loaded: ${problems.join('; ')}`,
        );
      }
      if (!context.allowNonEmptyTarget) {
        const withRows = await tablesWithRows(
          client,
          plan.tables.map((t) => t.table),
        );
        if (withRows.length > 0) {
          throw new PostgresCopyError(
            `${where} got rows in ${withRows.join(', ')} since the plan; nothing was loaded: find out who ` +
              `writes to v2, then re-run (with allow-non-empty-target to replace those rows)`,
          );
        }
      }
    },
    'copy check',
  );
}

/**
 * Carries out a plan: snapshot, pre-data, data, post-data, sequences, analyze (the steps of a schema copy;
 * schema existing has only snapshot, data, sequences and analyze). Logs each step; throws {@link PostgresCopyError} naming the
 * step and object on a failure. Safe to re-run with allow-non-empty-target: objects already on v2 are kept,
 * every table is emptied before it is loaded, sequences are set, not advanced.
 */
export async function runPostgresCopy(plan: PostgresCopyPlan): Promise<PostgresCopyResult> {
  const context = planContext(plan);
  const { source, target, log } = context;
  const started = Date.now();
  let preData: StatementsOutcome = { applied: 0, skipped: 0 };
  let postScript: DumpScript | undefined;

  const snapshot = await context.snapshot.acquire(source);
  log(`snapshot: ${snapshot.id} on ${describeEndpoint(source)}`);
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await snapshot.release();
  };
  let tables;
  try {
    await checkSourceUnchanged(source, snapshot.id, plan);
    if (plan.schema === 'copy') {
      const dump = (section: 'pre-data' | 'post-data') =>
        runPgDump({
          binary: plan.pgDump!,
          source,
          section,
          snapshotId: snapshot.id,
          ...(context.sslRootCert !== undefined ? { sslRootCert: context.sslRootCert } : {}),
        });
      // Both sections now, from the snapshot: post-data is applied later, but must describe the same v1.
      const [pre, post] = await Promise.all([dump('pre-data'), dump('post-data')]);
      postScript = parseDumpScript(post);
      preData = await applyPreData(target, parseDumpScript(pre));
      log(
        `pre-data: ${preData.applied} objects applied${preData.skipped ? `, ${preData.skipped} already there` : ''}`,
      );
    }
    await checkTargetReady(context, plan);
    if (context.loader) {
      // An outside loader (DMS) reads v1 in a snapshot of its own, and both dumps are taken: v1 need not
      // keep the old row versions for this one through a load that may take hours.
      await release();
      tables = await context.loader.load(plan.tables, log);
    } else {
      tables = await loadData({
        source,
        target,
        tables: plan.tables,
        snapshotId: snapshot.id,
        jobs: plan.jobs,
        log,
        progressIntervalSeconds: context.progressIntervalSeconds,
      });
    }
  } finally {
    // The rows are in: v1 need not keep the old row versions for this snapshot any longer.
    await release();
  }
  const postData = postScript
    ? await applyPostData(target, postScript, plan.jobs, log)
    : { applied: 0, skipped: 0 };
  // An outside loader (DMS) goes on carrying changes once v2 has its keys and indexes.
  await context.loader?.afterPostData?.(log);
  const sequences = await syncSequences(source, target);
  log(`sequences: ${sequences.length} set on v2 to v1's values`);
  await analyzeTables(
    target,
    plan.tables.map((t) => t.table),
    plan.jobs,
    log,
  );
  const seconds = (Date.now() - started) / 1000;
  log(`PostgreSQL copy done: ${tables.length} tables in ${seconds.toFixed(1)} s`);
  return { tables, preData, postData, sequences, seconds };
}

/** Plan, print the plan, and (unless `dryRun`) run it. */
export async function copyPostgres(
  source: PostgresEndpoint,
  target: PostgresEndpoint,
  options: PostgresCopyOptions,
): Promise<{ plan: PostgresCopyPlan; result?: PostgresCopyResult }> {
  const plan = await planPostgresCopy(source, target, options);
  for (const line of plan.describe()) options.log?.(line);
  if (options.dryRun) {
    options.log?.('dry run: nothing was changed');
    return { plan };
  }
  return { plan, result: await runPostgresCopy(plan) };
}
