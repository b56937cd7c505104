import type pg from 'pg';
import {
  applyErrorCount,
  dropSlotAndPublication,
  dropSubscription,
  waitForCatchUp,
  type ReplicationNames,
} from './postgres/index.js';

/*
 * The end of replication at cutover: once nothing writes to v1 any more, wait until v2 has confirmed
 * every byte v1 wrote, then drop the subscription on v2 and the slot and publication on v1 (a slot left
 * behind keeps WAL and fills v1's storage). The LSN returned is where the stream ended: every commit on v1
 * before it is on v2.
 */

export interface StoppedReplication {
  /** v1's WAL position v2 confirmed before the stream was cut. */
  lsn: string;
  /** Failed apply attempts on v2 while replication ran (duplicate keys, missing columns): each a conflict. */
  applyErrors: number;
  /** Each apply or validation problem named, when the replication can name them (DMS's table statistics). */
  problems?: string[];
}

export async function drainAndStop(
  v1: pg.Client,
  v2: pg.Client,
  names: ReplicationNames,
  options: { timeoutMs: number },
): Promise<StoppedReplication> {
  const { lsn } = await waitForCatchUp(v1, names, { ...options, v2 });
  const applyErrors = await applyErrorCount(v2, names);
  await dropSubscription(v2, names);
  await dropSlotAndPublication(v1, names);
  return { lsn, applyErrors };
}
