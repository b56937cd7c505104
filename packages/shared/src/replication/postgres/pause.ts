import pg from 'pg';
import { qualifiedName } from '../../data/postgres/connection.js';
import { tableArrays, type CarriedTable } from './replicated-set.js';

/*
 * The `pause` cutover stops every commit on v1 before it drains the replication (replication.md §1.8):
 * `default_transaction_read_only` is undone by a session's own SET, and NOLOGIN leaves open sessions
 * writing; only REVOKE stops the next statement of an open session, and only ending the session rolls back
 * a transaction already open. So: revoke the application roles' write privileges on every replicated table,
 * prove they are gone (a privilege held through another role or PUBLIC survives a REVOKE), then end those
 * roles' sessions. What was revoked is returned, so that the ledger keeps it and a rollback grants exactly
 * that back.
 */

export const WRITE_PRIVILEGES = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const;
export type WritePrivilege = (typeof WRITE_PRIVILEGES)[number];

export interface RevokedPrivilege {
  schema: string;
  table: string;
  role: string;
  privileges: WritePrivilege[];
}

export interface PausedWrites {
  revoked: RevokedPrivilege[];
  /** Sessions of the application roles ended, their open transactions rolled back. */
  terminated: number;
  /** When the REVOKE committed: from here on no application write commits on v1. */
  pausedAt: Date;
}

interface GrantRow {
  schema: string;
  table: string;
  role: string;
  privilege: WritePrivilege;
}

/** The write privileges each role holds itself (not through a group or PUBLIC) on the replicated tables. */
export async function directWriteGrants(
  v1: pg.Client,
  tables: readonly CarriedTable[],
  roles: readonly string[],
): Promise<RevokedPrivilege[]> {
  const { rows } = await v1.query<GrantRow>(
    `SELECT t.schemaname AS schema, t.tablename AS "table", r.rolname AS role, a.privilege_type AS privilege
       FROM unnest($1::text[], $2::text[]) AS t(schemaname, tablename)
       JOIN pg_catalog.pg_class c
         ON c.relname = t.tablename AND c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = t.schemaname)
       CROSS JOIN LATERAL pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) a
       JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
      WHERE r.rolname = ANY($3::text[]) AND a.privilege_type = ANY($4::text[])
      ORDER BY 1, 2, 3, 4`,
    [...tableArrays(tables), roles, WRITE_PRIVILEGES],
  );
  const grouped = new Map<string, RevokedPrivilege>();
  for (const row of rows) {
    const key = `${row.schema}\u0000${row.table}\u0000${row.role}`;
    const entry = grouped.get(key) ?? {
      schema: row.schema,
      table: row.table,
      role: row.role,
      privileges: [],
    };
    if (!entry.privileges.includes(row.privilege)) entry.privileges.push(row.privilege);
    grouped.set(key, entry);
  }
  return [...grouped.values()];
}

/** Replicated tables on which a role may still write by any path (group role, PUBLIC, superuser). */
export async function remainingWriters(
  v1: pg.Client,
  tables: readonly CarriedTable[],
  roles: readonly string[],
): Promise<string[]> {
  const { rows } = await v1.query<{ what: string }>(
    // Materialized first: the planner would otherwise ask has_table_privilege of every relation,
    // TOAST tables included, before the tables' filter (permission denied for schema pg_toast).
    `WITH t AS MATERIALIZED (
       SELECT c.oid, t.schemaname, t.tablename
         FROM unnest($1::text[], $2::text[]) AS t(schemaname, tablename)
         JOIN pg_catalog.pg_namespace n ON n.nspname = t.schemaname
         JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.tablename)
     SELECT format('%I may %s on %I.%I', r.role, p.privilege, t.schemaname, t.tablename) AS what
       FROM t
       CROSS JOIN unnest($3::text[]) AS r(role)
       CROSS JOIN unnest($4::text[]) AS p(privilege)
      WHERE pg_catalog.has_table_privilege(r.role, t.oid, p.privilege)
      ORDER BY 1`,
    [...tableArrays(tables), roles, WRITE_PRIVILEGES],
  );
  return rows.map((r) => r.what);
}

/**
 * Makes v1 refuse the application's writes. Refuses (granting back what it revoked) when a role could
 * still write afterwards, so that a pause never claims more than it did.
 */
export async function pauseWrites(
  v1: pg.Client,
  tables: readonly CarriedTable[],
  roles: readonly string[],
  onRevoking: (revoked: RevokedPrivilege[]) => Promise<void>,
): Promise<PausedWrites> {
  const missing = await v1.query<{ role: string }>(
    `SELECT r AS role FROM unnest($1::text[]) AS r WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r)`,
    [roles],
  );
  if (missing.rowCount) {
    throw new Error(`no role ${missing.rows.map((r) => r.role).join(', ')} on v1: check application-roles`);
  }
  const revoked = await directWriteGrants(v1, tables, roles);
  // Recorded before it happens: a run that dies after the REVOKE leaves what a rollback must grant back.
  await onRevoking(revoked);
  await v1.query('BEGIN');
  try {
    for (const grant of revoked) {
      await v1.query(
        `REVOKE ${grant.privileges.join(', ')} ON ${qualifiedName({ schema: grant.schema, name: grant.table })} FROM ${pg.escapeIdentifier(grant.role)}`,
      );
    }
    await v1.query('COMMIT');
  } catch (error) {
    await v1.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  const pausedAt = new Date();
  const still = await remainingWriters(v1, tables, roles);
  if (still.length > 0) {
    await resumeWrites(v1, revoked);
    throw new Error(
      `revoking the application's write privileges on v1 is not enough: ${still.slice(0, 5).join('; ')}` +
        `${still.length > 5 ? `; and ${still.length - 5} more` : ''} (through a role it belongs to, PUBLIC, or as a superuser). ` +
        'Revoke them where they are granted, or cut over with write-strategy overlap; the privileges revoked were granted back',
    );
  }
  const terminated = await endSessions(v1, roles);
  return { revoked, terminated, pausedAt };
}

/** How long each ended session may take to exit: its COMMIT in progress either lands or rolls back by then. */
const EXIT_TIMEOUT_MS = 10_000;

/**
 * Ends the roles' sessions on v1's database (not the toolkit's, not walsenders) and waits until each has
 * exited: a backend signalled in the middle of its COMMIT may still commit, and the drain that follows
 * reads v1's WAL position as its target, which must come after every commit the application was told of.
 */
export async function endSessions(v1: pg.Client, roles: readonly string[]): Promise<number> {
  const { rows } = await v1.query<{ pid: number; ended: boolean }>(
    `SELECT pid, pg_catalog.pg_terminate_backend(pid, $2) AS ended
       FROM pg_catalog.pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()
        AND usename = ANY($1::text[]) AND coalesce(application_name, '') NOT LIKE 'db-migration-toolkit%'`,
    [roles, EXIT_TIMEOUT_MS],
  );
  const lingering = rows.filter((r) => !r.ended).map((r) => r.pid);
  if (lingering.length > 0) {
    throw new Error(
      `the application's session(s) ${lingering.join(', ')} on v1 did not exit within ${EXIT_TIMEOUT_MS / 1000} s of being ` +
        'terminated: a commit may still land after the drain; the cutover stops here',
    );
  }
  return rows.length;
}

/** Grants back what pauseWrites revoked; granting a privilege held already changes nothing, so it is safe to repeat. */
export async function resumeWrites(v1: pg.Client, revoked: readonly RevokedPrivilege[]): Promise<void> {
  for (const grant of revoked) {
    await v1.query(
      `GRANT ${grant.privileges.join(', ')} ON ${qualifiedName({ schema: grant.schema, name: grant.table })} TO ${pg.escapeIdentifier(grant.role)}`,
    );
  }
}
