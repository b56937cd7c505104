import { withPostgres, type PostgresEndpoint } from '../connection.js';
import { applyObjectInTransaction, objectError } from './apply-objects.js';
import type { DumpScript } from './dump-script.js';
import type { StatementsOutcome } from './types.js';

/**
 * Applies v1's pre-data (schemas, types, functions, tables, sequences, views, grants) to v2 in one
 * transaction: either all of it is there afterwards or none of it, so a failure leaves v2 as it was. On a
 * re-run, an object already there is skipped (its definition is then checked where it matters for the
 * rows: the tables, compared with v1's before any row is loaded).
 */
export async function applyPreData(target: PostgresEndpoint, script: DumpScript): Promise<StatementsOutcome> {
  return withPostgres(
    target,
    async (client) => {
      const outcome = { applied: 0, skipped: 0 };
      await client.query('BEGIN');
      try {
        // pg_dump's own SETs: empty search_path (every name is qualified), no function body checks (a body
        // may name a table created later in the script), and so on.
        await client.query(script.prelude);
        for (const object of script.objects) {
          let applied: boolean;
          try {
            applied = await applyObjectInTransaction(client, object);
          } catch (error) {
            throw objectError('pre-data (nothing was applied)', object, target, error);
          }
          if (applied) outcome.applied += 1;
          else outcome.skipped += 1;
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return outcome;
    },
    'copy pre-data',
  );
}
