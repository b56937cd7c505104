import type { JsonObject, LedgerEventDraft } from '../ledger/event.js';
import { MAX_TABLES_LISTED } from '../ledger/verdicts.js';
import type { MigrateOptions, MigrateResult } from './types.js';

/**
 * What Phase 2 leaves in the ledger: the backups of v1 it made (cleanup and the CHANGELOG name them), and
 * what it copied, with row counts per table (rollback compares v2's rows with them to report writes at risk).
 * Nothing after a dry run: nothing happened.
 */
export function migrationEvents(result: MigrateResult, options: MigrateOptions): LedgerEventDraft[] {
  if (result.dryRun) return [];
  const events: LedgerEventDraft[] = [];
  if (result.backups.length > 0) {
    events.push({
      type: 'backup-made',
      data: { backups: result.backups.map((b) => ({ ...b })) },
    });
  }
  if (result.tables !== undefined || result.items !== undefined) {
    const data: JsonObject = { steps: options.steps.filter((s) => s !== 'backup') };
    if (result.tables !== undefined) {
      const entries = Object.entries(result.tables);
      data['postgres'] = {
        schema: options.schema,
        tableCount: entries.length,
        rows: entries.reduce((sum, [, t]) => sum + t.rows, 0),
        tables: Object.fromEntries(entries.slice(0, MAX_TABLES_LISTED).map(([name, t]) => [name, t.rows])),
      };
    }
    if (result.items !== undefined) {
      data['dynamodb'] = {
        itemsWritten: result.items,
        ...(result.tableReplication ? { stream: { ...result.tableReplication } } : {}),
      };
    }
    events.push({ type: 'data-copied', data });
  }
  if (result.replication) {
    // The cutover refuses while what this names still runs (replication/running.ts).
    events.push({
      type: 'replication-started',
      data:
        'mode' in result.replication ? { ...result.replication } : { mode: 'logical', ...result.replication },
    });
  }
  return events;
}
