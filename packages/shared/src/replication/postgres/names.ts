/*
 * The names of what continuous replication creates, one set per environment, so that every phase (the
 * copy that creates them, the cutover that stops them, rollback and cleanup that refuse on a leftover) finds
 * the same objects. PostgreSQL replication slot names allow only lowercase letters, digits and underscores,
 * and the environment may hold hyphens.
 */

export const REPLICATION_PREFIX = 'dbmig_';

export interface ReplicationNames {
  /** On v1: the logical replication slot the subscription streams from. */
  slot: string;
  /** On v1: the publication of the copied tables. */
  publication: string;
  /** On v2: the subscription that applies v1's changes. */
  subscription: string;
}

export function replicationNames(environment: string): ReplicationNames {
  const base = `${REPLICATION_PREFIX}${environment.replace(/-/g, '_')}`.slice(0, 63);
  return { slot: base, publication: base, subscription: base };
}
