import type pg from 'pg';
import { qualifiedName } from '../../data/postgres/connection.js';

/*
 * What must hold on v1 before a slot is created, each checked on the server itself and refused with the fix
 * (replication.md §1.2, §1.4). A slot created without them either fails later (a table without a replica
 * identity makes the application's own UPDATE and DELETE fail on v1, the moment it is published) or
 * streams nothing useful.
 */

export interface ReplicatedTable {
  schema: string;
  name: string;
}

export interface PreconditionProblem {
  id: 'wal-level' | 'replica-identity' | 'replication-slots' | 'wal-senders' | 'replication-privilege';
  /** What is wrong and how to fix it, in a sentence or two. */
  detail: string;
}

export interface PreconditionOptions {
  /** Tables without a primary key or replica identity index that may be published with REPLICA IDENTITY FULL. */
  allowReplicaIdentityFull?: boolean;
}

export interface PreconditionReport {
  problems: PreconditionProblem[];
  /** Tables that will be given REPLICA IDENTITY FULL (only with allowReplicaIdentityFull). */
  identityFull: ReplicatedTable[];
}

interface Settings {
  wal_level: string;
  max_replication_slots: number;
  used_slots: number;
  max_wal_senders: number;
  used_senders: number;
  can_replicate: boolean;
}

export async function checkReplicationPreconditions(
  v1: pg.Client,
  tables: ReplicatedTable[],
  options: PreconditionOptions = {},
): Promise<PreconditionReport> {
  const problems: PreconditionProblem[] = [];
  // rds_replication exists only on RDS and Aurora, hence looked up by name rather than named in pg_has_role.
  const { rows } = await v1.query<Settings>(`
    SELECT current_setting('wal_level') AS wal_level,
           current_setting('max_replication_slots')::int AS max_replication_slots,
           (SELECT count(*) FROM pg_catalog.pg_replication_slots)::int AS used_slots,
           current_setting('max_wal_senders')::int AS max_wal_senders,
           (SELECT count(*) FROM pg_catalog.pg_stat_replication)::int AS used_senders,
           (SELECT rolsuper OR rolreplication FROM pg_catalog.pg_roles WHERE rolname = current_user)
             OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                         WHERE r.rolname = 'rds_replication' AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
             AS can_replicate
  `);
  const s = rows[0]!;
  if (s.wal_level !== 'logical') {
    problems.push({
      id: 'wal-level',
      detail:
        `v1's wal_level is ${s.wal_level}, not logical. On Aurora, set rds.logical_replication = 1 in v1's DB cluster ` +
        'parameter group (a custom group; the default cannot be changed), reboot the writer instance, and check that ' +
        '`SHOW wal_level` says logical.',
    });
  }
  if (s.max_replication_slots - s.used_slots < 1) {
    problems.push({
      id: 'replication-slots',
      detail:
        `v1 has no free replication slot (${s.used_slots} of max_replication_slots = ${s.max_replication_slots} in use): ` +
        'drop a slot nobody reads (pg_replication_slots) or raise max_replication_slots in the cluster parameter group.',
    });
  }
  if (s.max_wal_senders - s.used_senders < 1) {
    problems.push({
      id: 'wal-senders',
      detail:
        `v1 has no free WAL sender (${s.used_senders} of max_wal_senders = ${s.max_wal_senders} in use): ` +
        'raise max_wal_senders in the cluster parameter group.',
    });
  }
  if (!s.can_replicate) {
    problems.push({
      id: 'replication-privilege',
      detail:
        "v1's user may not start a replication connection: `GRANT rds_replication TO <user>` on Aurora (or give it " +
        'the REPLICATION attribute elsewhere).',
    });
  }
  const unidentified = await tablesWithoutReplicaIdentity(v1, tables);
  if (unidentified.length > 0 && !options.allowReplicaIdentityFull) {
    problems.push({
      id: 'replica-identity',
      detail:
        `${unidentified.map((t) => `${t.schema}.${t.name}`).join(', ')} ha${unidentified.length === 1 ? 's' : 've'} neither a primary key ` +
        'nor a replica identity: once published, every UPDATE and DELETE the application makes on it fails on v1. ' +
        'Add a primary key, or `ALTER TABLE … REPLICA IDENTITY USING INDEX <unique index>`, or allow REPLICA IDENTITY FULL ' +
        'with `allow-replica-identity-full: true` (every changed row is then sent whole and matched by all its columns).',
    });
  }
  return { problems, identityFull: options.allowReplicaIdentityFull ? unidentified : [] };
}

/**
 * Tables whose replica identity is `nothing`, or `default` without a primary key: a publication that
 * publishes updates and deletes makes the application's own UPDATE and DELETE fail on them.
 */
async function tablesWithoutReplicaIdentity(
  v1: pg.Client,
  tables: ReplicatedTable[],
): Promise<ReplicatedTable[]> {
  if (tables.length === 0) return [];
  const { rows } = await v1.query<ReplicatedTable>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM unnest($1::text[], $2::text[]) AS t(schema, name)
       JOIN pg_catalog.pg_namespace n ON n.nspname = t.schema
       JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.name
      WHERE c.relreplident = 'n'
         OR (c.relreplident = 'd' AND NOT EXISTS (
               SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
      ORDER BY 1, 2`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  return rows;
}

/** Gives each table REPLICA IDENTITY FULL (only the tables the precondition check allowed it for). */
export async function setReplicaIdentityFull(v1: pg.Client, tables: ReplicatedTable[]): Promise<void> {
  for (const table of tables) await v1.query(`ALTER TABLE ${qualifiedName(table)} REPLICA IDENTITY FULL`);
}
