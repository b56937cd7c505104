import { listSequences, type SequenceInfo } from '../catalog.js';
import { qualifiedName, withPostgres, type PostgresEndpoint } from '../connection.js';
import { PostgresCopyError } from './refusal.js';

/**
 * Sets every v2 sequence to v1's state (`last_value`, `is_called`), so that the next value on v2 follows
 * v1's. v1's sequences are read after the rows are in, not from the snapshot: a sequence is not
 * transactional, and its current value is at least what any copied row holds.
 */
export async function syncSequences(
  source: PostgresEndpoint,
  target: PostgresEndpoint,
): Promise<SequenceInfo[]> {
  const sequences = await withPostgres(source, listSequences, 'copy sequences');
  if (sequences.length === 0) return sequences;
  await withPostgres(
    target,
    async (client) => {
      const present = new Set((await listSequences(client)).map(qualifiedName));
      const missing = sequences.filter((s) => !present.has(qualifiedName(s)));
      if (missing.length > 0) {
        throw new PostgresCopyError(
          `sequences: v2 lacks ${missing.map((s) => `${s.schema}.${s.name}`).join(', ')}, which v1 has: ` +
            `create them on v2 (the application's migrations, or schema: copy) and re-run`,
        );
      }
      // One statement for all of them: a schema may have thousands.
      await client.query(
        `SELECT pg_catalog.setval(s.name::regclass, s.value::bigint, s.called)
           FROM unnest($1::text[], $2::text[], $3::bool[]) AS s(name, value, called)`,
        [sequences.map(qualifiedName), sequences.map((s) => s.lastValue), sequences.map((s) => s.isCalled)],
      );
    },
    'copy sequences',
  );
  return sequences;
}
