import type { JsonHandler } from '../../protocols/types.js';
import type { DmsReplicationTask, DmsTableStatistics } from '../../world/types.js';
import { withEndpoint, type EndpointCredentials } from './credentials.js';
import { notFound } from './errors.js';
import { filtersOf, matches, page, requiredString } from './input.js';
import { settle } from './settle.js';

/** ReplicationTaskStats, from the task's tables and times. */
export function taskStats(task: DmsReplicationTask, now: Date) {
  const count = (state: string) => task.tables.filter((t) => t.state === state).length;
  const loaded = count('Table completed');
  const total = task.tables.length;
  const end = task.status === 'running' || task.status === 'stopping' ? now : (task.stoppedAt ?? now);
  return {
    FullLoadProgressPercent: task.fullLoadFinishedAt
      ? 100
      : total === 0
        ? 0
        : Math.floor((100 * loaded) / total),
    ElapsedTimeMillis: task.runStartedAt ? Math.max(0, end.getTime() - task.runStartedAt.getTime()) : 0,
    TablesLoaded: loaded,
    TablesLoading: count('Full load'),
    TablesQueued: count('Before load'),
    TablesErrored: count('Table error'),
    ...(task.startedAt ? { FreshStartDate: task.startedAt } : {}),
    ...(task.runStartedAt ? { StartDate: task.runStartedAt } : {}),
    ...(task.stoppedAt ? { StopDate: task.stoppedAt } : {}),
    ...(task.fullLoadStartedAt ? { FullLoadStartDate: task.fullLoadStartedAt } : {}),
    ...(task.fullLoadFinishedAt ? { FullLoadFinishDate: task.fullLoadFinishedAt } : {}),
  };
}

const FILTERS = ['schema-name', 'table-name', 'table-state'];

export const describeTableStatistics: JsonHandler = (ctx, input) => {
  settle(ctx);
  const arn = requiredString(input, 'ReplicationTaskArn');
  const task = ctx.world.region(ctx.region).dms.tasks.get(arn);
  if (!task) throw notFound(`Replication task ${arn} not found.`);
  const filters = filtersOf(input, FILTERS);
  const found = task.tables.filter((t) =>
    matches(t, filters, (s, name) =>
      name === 'schema-name' ? s.schemaName : name === 'table-name' ? s.tableName : s.state,
    ),
  );
  const { items, marker } = page(found, input, { min: 10, max: 500, default: 100 });
  return {
    ReplicationTaskArn: task.arn,
    TableStatistics: items.map(tableShape),
    ...(marker ? { Marker: marker } : {}),
  };
};

function tableShape(t: DmsTableStatistics) {
  return {
    SchemaName: t.schemaName,
    TableName: t.tableName,
    Inserts: t.inserts,
    Deletes: t.deletes,
    Updates: t.updates,
    Ddls: t.ddls,
    AppliedInserts: t.inserts,
    AppliedDeletes: t.deletes,
    AppliedUpdates: t.updates,
    AppliedDdls: t.ddls,
    FullLoadRows: t.fullLoadRows,
    FullLoadCondtnlChkFailedRows: 0,
    FullLoadErrorRows: t.fullLoadErrorRows,
    ...(t.fullLoadStartTime ? { FullLoadStartTime: t.fullLoadStartTime } : {}),
    ...(t.fullLoadEndTime ? { FullLoadEndTime: t.fullLoadEndTime } : {}),
    FullLoadReloaded: false,
    ...(t.lastUpdateTime ? { LastUpdateTime: t.lastUpdateTime } : {}),
    TableState: t.state,
    ValidationPendingRecords: t.validationPendingRecords,
    ValidationFailedRecords: t.validationFailedRecords,
    ValidationSuspendedRecords: 0,
    ValidationState: t.validationState,
  };
}

/** The target's cumulative write counters of each table (pg_stat_user_tables), by `schema.table`. */
export async function targetCounters(
  target: EndpointCredentials,
  tables: DmsTableStatistics[],
): Promise<Map<string, { inserts: number; updates: number; deletes: number }>> {
  const { rows } = await withEndpoint(target, (client) =>
    client.query<{ schema: string; name: string; ins: string; upd: string; del: string }>(
      `SELECT schemaname AS schema, relname AS name, n_tup_ins::text AS ins, n_tup_upd::text AS upd, n_tup_del::text AS del
         FROM pg_stat_user_tables WHERE (schemaname, relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [tables.map((t) => t.schemaName), tables.map((t) => t.tableName)],
    ),
  );
  return new Map(
    rows.map((r) => [
      `${r.schema}.${r.name}`,
      { inserts: Number(r.ins), updates: Number(r.upd), deletes: Number(r.del) },
    ]),
  );
}

/**
 * CDC's Inserts/Updates/Deletes: the growth of the target's counters since CDC began (approximate, as
 * the counters reach pg_stat a moment after the apply, and never decreasing).
 */
export function applyCounters(
  tables: DmsTableStatistics[],
  counters: Map<string, { inserts: number; updates: number; deletes: number }>,
  at: Date,
): void {
  for (const table of tables) {
    const now = counters.get(`${table.schemaName}.${table.tableName}`);
    const base = table.cdcBaseline;
    if (!now || !base) continue;
    const next = {
      inserts: Math.max(table.inserts, now.inserts - base.inserts),
      updates: Math.max(table.updates, now.updates - base.updates),
      deletes: Math.max(table.deletes, now.deletes - base.deletes),
    };
    if (next.inserts !== table.inserts || next.updates !== table.updates || next.deletes !== table.deletes) {
      Object.assign(table, next);
      table.lastUpdateTime = at;
    }
  }
}
