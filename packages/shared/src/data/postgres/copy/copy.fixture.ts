// Shared by the copy's tests: a payments-like schema, its rows, and what the tests compare on both sides.
import type pg from 'pg';
import { listSequences, listTables, SYSTEM_SCHEMA_FILTER } from '../catalog.js';
import { qualifiedName, withPostgres, type PostgresEndpoint } from '../connection.js';

/** The schema as the application's migrations would make it. */
export const SCHEMA_SQL = `
  CREATE SCHEMA billing;
  CREATE TYPE billing.status AS ENUM ('new', 'paid', 'refunded');
  CREATE TABLE billing.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    tags text[],
    profile jsonb,
    score double precision
  );
  CREATE TABLE billing.payments (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES billing.customers (id),
    amount numeric(20, 6),
    fee numeric,
    paid_at timestamptz,
    status billing.status,
    receipt bytea,
    note text,
    total numeric GENERATED ALWAYS AS (amount + coalesce(fee, 0)) STORED
  );
  CREATE INDEX payments_customer_idx ON billing.payments (customer_id);
  CREATE UNIQUE INDEX payments_receipt_key ON billing.payments (receipt) WHERE receipt IS NOT NULL;
  CREATE TABLE billing.refunds (
    id int PRIMARY KEY,
    payment_id bigint NOT NULL REFERENCES billing.payments (id),
    states billing.status[] NOT NULL,
    CHECK (cardinality(states) > 0)
  );
  CREATE TABLE public.audit_log (at timestamptz, message text, took interval, data jsonb);
  CREATE TABLE public.categories (id int PRIMARY KEY, parent_id int REFERENCES public.categories (id), label varchar(40));
  CREATE TABLE public.events (id int, day date NOT NULL, note text, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);
  CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
  CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
  CREATE SEQUENCE public.invoice_numbers START 1000;
  CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.label := trim(NEW.label); RETURN NEW; END$$;
  CREATE TRIGGER categories_stamp BEFORE UPDATE ON public.categories FOR EACH ROW EXECUTE FUNCTION public.stamp();
`;

/** Rows with the values a copy gets wrong most easily: NULL beside '', trailing spaces, escapes, NaN. */
export const ROWS_SQL = `
  INSERT INTO billing.customers (name, tags, profile, score)
  SELECT 'customer ' || g || CASE WHEN g % 7 = 0 THEN '  ' ELSE '' END,
         CASE WHEN g % 5 = 0 THEN NULL ELSE ARRAY['t' || (g % 3), 'x y', NULL, ''] END,
         jsonb_build_object('n', g, 'nested', jsonb_build_object('a', ARRAY[1, 2, g]), 'f', g / 3.0),
         CASE WHEN g = 1 THEN 'NaN' WHEN g = 2 THEN '-Infinity' ELSE g / 7.0 END
    FROM generate_series(1, 2000) g;
  INSERT INTO billing.payments (customer_id, amount, fee, paid_at, status, receipt, note)
  SELECT 1 + g % 2000, (g * 1.234567)::numeric(20, 6),
         CASE WHEN g % 4 = 0 THEN NULL WHEN g = 3 THEN 'NaN' ELSE 0.000000000000000000001 * g END,
         timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes 3.5 seconds',
         (ARRAY['new', 'paid', 'refunded'])[1 + g % 3]::billing.status,
         CASE WHEN g % 6 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,
         CASE g % 4 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'trailing  ' ELSE E'line\\nbreak\\ttab \\\\ back' END
    FROM generate_series(1, 30000) g;
  INSERT INTO billing.refunds
  SELECT g, g * 3, CASE WHEN g % 2 = 0 THEN '{new,refunded}' ELSE '{paid}' END::billing.status[]
    FROM generate_series(1, 500) g;
  INSERT INTO public.audit_log
  SELECT timestamptz '2025-06-01 12:00:00+02' + (g % 100) * interval '1 hour', 'event ' || (g % 100) || ' ',
         (g % 100) * interval '1 day 2 hours 3.25 seconds', CASE WHEN g % 3 = 0 THEN NULL ELSE '{"k": [1, "a"]}'::jsonb END
    FROM generate_series(1, 3000) g;
  -- Each category points at the next one, loaded later in the same table.
  INSERT INTO public.categories SELECT g, CASE WHEN g < 500 THEN g + 1 END, 'label ' || g FROM generate_series(1, 500) g;
  INSERT INTO public.events SELECT g, date '2025-01-01' + g % 700, 'e' || g FROM generate_series(1, 1000) g;
  SELECT nextval('public.invoice_numbers') FROM generate_series(1, 3);
`;

export { endpointOf } from '@dbmig/sandbox';

/**
 * Per table: its row count and the md5 of its rows' text renderings in a fixed order (duplicates kept),
 * generated columns included; read under the pinned session settings, so both sides render alike.
 */
export async function tableDigests(endpoint: PostgresEndpoint): Promise<Record<string, string>> {
  return withPostgres(endpoint, async (client) => {
    const digests: Record<string, string> = {};
    for (const table of await listTables(client)) {
      const result = await client.query<{ rows: number; digest: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(r, E'\\n' ORDER BY r COLLATE "C"), '')) AS digest
           FROM (SELECT t::text AS r FROM ONLY ${qualifiedName(table)} t) s`,
      );
      digests[`${table.schema}.${table.name}`] = `${result.rows[0]!.rows} ${result.rows[0]!.digest}`;
    }
    return digests;
  });
}

/** Indexes, constraints and triggers of the application's schemas, as definitions that can be compared. */
export async function schemaObjects(endpoint: PostgresEndpoint): Promise<string[]> {
  return withPostgres(endpoint, async (client: pg.Client) => {
    const result = await client.query<{ def: string }>(
      `SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid) AS def
         FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE ${SYSTEM_SCHEMA_FILTER}
       UNION ALL
       SELECT 'constraint ' || k.conrelid::regclass::text || ' ' || k.conname || ' ' || pg_catalog.pg_get_constraintdef(k.oid)
         FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
        WHERE ${SYSTEM_SCHEMA_FILTER} AND k.conrelid <> 0
       UNION ALL
       SELECT 'trigger ' || pg_catalog.pg_get_triggerdef(t.oid)
         FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND ${SYSTEM_SCHEMA_FILTER}
       ORDER BY 1`,
    );
    return result.rows.map((r) => r.def);
  });
}

/** `schema.name → last_value/is_called` of every sequence. */
export async function sequenceStates(endpoint: PostgresEndpoint): Promise<Record<string, string>> {
  return withPostgres(endpoint, async (client) =>
    Object.fromEntries(
      (await listSequences(client)).map((s) => [`${s.schema}.${s.name}`, `${s.lastValue}/${s.isCalled}`]),
    ),
  );
}
