import type { LedgerEventDraft } from '../ledger/event.js';
import { checksOf, MAX_TABLES_LISTED } from '../ledger/verdicts.js';
import type { Check } from '../report/index.js';
import type { ParityOutput } from './parity.js';

/**
 * What verify-v2 leaves in the ledger, pass or fail: a verdict is a fact later guards need (cutover
 * requires health and parity passed within a freshness window, and refuses on a failed parity since).
 */
export function verificationEvents(
  health: readonly Check[] | undefined,
  parity: { checks: readonly Check[]; output: ParityOutput } | undefined,
  failOnWarning: boolean,
): LedgerEventDraft[] {
  const events: LedgerEventDraft[] = [];
  const failing = (checks: readonly Check[]) =>
    checks.filter((c) => c.status === 'fail' || (failOnWarning && c.status === 'warn'));
  if (health) {
    events.push({
      type: 'v2-verified',
      data: { healthy: failing(health).length === 0, checks: checksOf(health) },
    });
  }
  if (parity) {
    const { postgres, dynamodb } = parity.output;
    const failed = failing(parity.checks);
    events.push({
      type: failed.length === 0 ? 'parity-passed' : 'parity-failed',
      data: {
        postgres: {
          equal: postgres.equal,
          tableCount: postgres.tables.length,
          // Rows per table on each side, as proved: [v1, v2].
          tables: Object.fromEntries(
            postgres.tables
              .slice(0, MAX_TABLES_LISTED)
              .map((t) => [`${t.schema}.${t.name}`, [t.v1Rows ?? null, t.v2Rows ?? null]]),
          ),
          failing: failed.map((c) => c.resource ?? c.id).slice(0, MAX_TABLES_LISTED),
        },
        dynamodb: {
          equal: dynamodb.equal,
          v1Table: dynamodb.v1Table,
          v2Table: dynamodb.v2Table,
          v1Items: dynamodb.v1Items,
          v2Items: dynamodb.v2Items,
        },
      },
    });
  }
  return events;
}
