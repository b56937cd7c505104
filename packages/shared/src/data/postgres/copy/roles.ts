import type pg from 'pg';
import { SYSTEM_SCHEMA_FILTER } from '../catalog.js';

/**
 * Roles v1's privileges name (grants on schemas, tables, columns, functions, types; default privileges).
 * pg_dump writes those grants into pre-data, but roles belong to the server, not the database, so v2 must
 * have them already or the GRANT fails. An object's owner is left out: with --no-owner, v2's login role owns
 * the copies, and pg_dump writes no grant to the owner unless it was changed.
 */
export async function rolesInGrants(client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `SELECT DISTINCT r.rolname AS name FROM (
        SELECT e.grantee FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) e
         WHERE e.grantee <> c.relowner AND ${SYSTEM_SCHEMA_FILTER}
        UNION SELECT e.grantee FROM pg_catalog.pg_attribute a
          JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL pg_catalog.aclexplode(a.attacl) e
         WHERE e.grantee <> c.relowner AND ${SYSTEM_SCHEMA_FILTER}
        UNION SELECT e.grantee FROM pg_catalog.pg_namespace n
          CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) e
         WHERE e.grantee <> n.nspowner AND ${SYSTEM_SCHEMA_FILTER}
        UNION SELECT e.grantee FROM pg_catalog.pg_proc p
          JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
          CROSS JOIN LATERAL pg_catalog.aclexplode(p.proacl) e
         WHERE e.grantee <> p.proowner AND ${SYSTEM_SCHEMA_FILTER}
        UNION SELECT e.grantee FROM pg_catalog.pg_type t
          JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
          CROSS JOIN LATERAL pg_catalog.aclexplode(t.typacl) e
         WHERE e.grantee <> t.typowner AND ${SYSTEM_SCHEMA_FILTER}
        UNION SELECT e.grantee FROM pg_catalog.pg_default_acl d
          CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) e
        UNION SELECT d.defaclrole FROM pg_catalog.pg_default_acl d
      ) g(grantee)
      JOIN pg_catalog.pg_roles r ON r.oid = g.grantee
      ORDER BY 1`,
  );
  return result.rows.map((r) => r.name);
}

/** Those of `roles` that the server of `client` does not have. */
export async function missingRoles(client: pg.Client, roles: readonly string[]): Promise<string[]> {
  if (roles.length === 0) return [];
  const result = await client.query<{ name: string }>(
    'SELECT rolname AS name FROM pg_catalog.pg_roles WHERE rolname = ANY($1::text[])',
    [roles],
  );
  const present = new Set(result.rows.map((r) => r.name));
  return roles.filter((r) => !present.has(r));
}
