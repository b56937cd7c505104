import type pg from 'pg';
import { connectPostgres, type PostgresEndpoint } from '../connection.js';
import { applyObject, objectError } from './apply-objects.js';
import type { DumpObject, DumpScript } from './dump-script.js';
import { runPool } from './pool.js';
import type { StatementsOutcome } from './types.js';

/**
 * The post-data objects in the order they can be made, and whether a phase may run in parallel:
 * - indexes and primary-key/unique/check/exclusion constraints (each builds or checks one table; two on
 *   one table only wait for each other's lock), in parallel;
 * - index attachments to partitioned indexes, which need both indexes;
 * - foreign keys, which need the referenced table's key; one at a time, because two foreign keys to the same
 *   table take conflicting locks on it and would only queue, or deadlock across a pair of tables;
 * - the rest (triggers, rules, policies, comments on the above, …) in the dump's order.
 */
export const POST_DATA_PHASES: ReadonlyArray<{
  name: string;
  types: readonly string[] | 'rest';
  parallel: boolean;
}> = [
  { name: 'indexes and constraints', types: ['INDEX', 'CONSTRAINT'], parallel: true },
  { name: 'index attachments', types: ['INDEX ATTACH'], parallel: false },
  { name: 'foreign keys', types: ['FK CONSTRAINT'], parallel: false },
  { name: 'triggers and the rest', types: 'rest', parallel: false },
];

function phaseObjects(objects: readonly DumpObject[], types: readonly string[] | 'rest'): DumpObject[] {
  const named = new Set(POST_DATA_PHASES.flatMap((p) => (p.types === 'rest' ? [] : p.types)));
  return objects.filter((o) => (types === 'rest' ? !named.has(o.type) : types.includes(o.type)));
}

/**
 * Applies v1's post-data to v2 after the rows are in: building an index once over loaded rows is much
 * faster than maintaining it row by row. Each object commits on its own (a phase runs on several sessions);
 * an object already there from an earlier run is skipped.
 */
export async function applyPostData(
  target: PostgresEndpoint,
  script: DumpScript,
  jobs: number,
  log: (line: string) => void,
): Promise<StatementsOutcome> {
  const outcome = { applied: 0, skipped: 0 };
  const sessions: pg.Client[] = [];
  const session = async (runner: number): Promise<pg.Client> => {
    let client = sessions[runner];
    if (!client) {
      client = await connectPostgres(target, `copy post-data ${runner + 1}`);
      sessions[runner] = client;
      await client.query(script.prelude);
    }
    return client;
  };
  try {
    for (const phase of POST_DATA_PHASES) {
      const objects = phaseObjects(script.objects, phase.types);
      if (objects.length === 0) continue;
      const started = Date.now();
      const before = { ...outcome };
      await runPool(objects, phase.parallel ? jobs : 1, async (object, runner) => {
        const client = await session(runner);
        let applied: boolean;
        try {
          applied = await applyObject(client, object);
        } catch (error) {
          throw objectError('post-data', object, target, error);
        }
        if (applied) outcome.applied += 1;
        else outcome.skipped += 1;
      });
      const skipped = outcome.skipped - before.skipped;
      log(
        `post-data: ${phase.name}: ${outcome.applied - before.applied} applied` +
          (skipped > 0 ? `, ${skipped} already there` : '') +
          ` (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await Promise.all(sessions.map((c) => c.end().catch(() => undefined)));
  }
  return outcome;
}
