import type pg from 'pg';
import { connectPostgres, qualifiedName, type PostgresEndpoint } from '../../data/postgres/connection.js';
import type { ConsistentCut } from '../../data/postgres/parity/types.js';
import { confirmCurrentPosition, type StreamNames } from './lag.js';
import type { ReplicatedSet } from './replicated-set.js';

/*
 * Parity while replication runs: two snapshots taken at the same instant differ by every write still in
 * flight, so a comparison under a live load would always fail. Instead the sides are read at one cut:
 * v1's replicated tables (the publication's, or a DMS task's) locked in SHARE mode (writers wait; readers and the apply go on), v1's snapshot
 * opened, v2 waited for until it confirmed v1's WAL position (everything v1 committed is on v2), v2's
 * snapshot opened, and the lock released. v1's writers wait for the cut's duration, typically well under a
 * second, and never fail; a lock that cannot be had in `lockTimeoutMs` (a long write transaction) fails
 * the comparison with that reason rather than stalling the application.
 */

/** SQLSTATE of a deadlock PostgreSQL broke by ending one of its transactions. */
const DEADLOCK_DETECTED = '40P01';
const HOLD_ATTEMPTS = 5;

export function replicationCut(
  v1: PostgresEndpoint,
  v2: PostgresEndpoint,
  stream: { names: StreamNames; carried: ReplicatedSet },
  options: { lockTimeoutMs: number; catchUpTimeoutMs: number },
): ConsistentCut {
  const { names } = stream;
  let session: pg.Client | undefined;
  return {
    async hold() {
      session = await connectPostgres(v1, 'parity cut');
      const carried = await stream.carried.tables(session);
      if (carried.length === 0) return;
      const tables = carried.map(qualifiedName).join(', ');
      // The tables are locked one after another: an application transaction holding one and wanting
      // another deadlocks with the cut, and PostgreSQL ends the one that waited first, usually the cut's. So a
      // deadlock is retried, a few times.
      for (let attempt = 1; ; attempt++) {
        await session.query('BEGIN');
        await session.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`);
        try {
          await session.query(`LOCK TABLE ${tables} IN SHARE MODE`);
          return;
        } catch (error) {
          await session.query('ROLLBACK').catch(() => undefined);
          const deadlock = (error as { code?: string }).code === DEADLOCK_DETECTED;
          if (deadlock && attempt < HOLD_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
            continue;
          }
          throw new Error(
            `could not hold v1's writes for a consistent cut (${(error as Error).message}${deadlock ? `, ${attempt} times` : `, within ${options.lockTimeoutMs} ms`}): ` +
              'a long write transaction holds a published table; run the parity again when it has ended',
            { cause: error },
          );
        }
      }
    },
    async caughtUp() {
      // v2 sees its own apply at once when it is a subscription; a DMS task is known by its slot alone.
      const subscriber = names.subscription ? await connectPostgres(v2, 'parity cut') : undefined;
      const reached = await confirmCurrentPosition(session!, names, {
        timeoutMs: options.catchUpTimeoutMs,
        ...(subscriber ? { v2: subscriber } : {}),
      }).finally(() => subscriber?.end().catch(() => undefined));
      if ('behind' in reached) {
        throw new Error(
          `v2 did not apply v1's writes up to ${reached.lsn} within ${Math.round(options.catchUpTimeoutMs / 1000)} s ` +
            `(${reached.behind} bytes behind) while v1's writes were held: check the replication (verify-v2 check: replication)`,
        );
      }
    },
    async release() {
      const held = session;
      session = undefined;
      if (!held) return;
      await held.query('ROLLBACK').catch(() => undefined);
      await held.end().catch(() => undefined);
    },
  };
}
