/**
 * The PostgreSQL benchmarks' data: a payments-like schema of three tables (2,000,000 rows by default)
 * with mixed types, a foreign key, secondary indexes, a sequence and a table without a primary key,
 * generated on the server with generate_series. Deterministic: the same SQL run on two servers gives
 * the same rows, so the parity benchmark can load both sides without copying.
 */
import type { PostgresServer } from '@dbmig/sandbox';

export const BENCH_ROWS = Number(process.env['BENCH_POSTGRES_ROWS'] ?? 2_000_000);

export interface BenchTable {
  /** Qualified name; no quoting needed. */
  table: string;
  rows: number;
  /** The primary key, or every column where there is none: the order of the usual script's digest. */
  orderBy: string;
}

/** The tables and how many of the rows each holds. */
export function benchTables(rows = BENCH_ROWS): BenchTable[] {
  const accounts = Math.round(rows * 0.1);
  const ledger = Math.round(rows * 0.15);
  return [
    { table: 'billing.accounts', rows: accounts, orderBy: 'id' },
    { table: 'billing.payments', rows: rows - accounts - ledger, orderBy: 'id' },
    {
      table: 'billing.ledger_entries',
      rows: ledger,
      orderBy: 'payment_id, entry_at, delta, memo',
    },
  ];
}

// Keys, constraints and indexes come after the rows (POST_DATA_SQL): built once, not row by row, the
// seeding takes half the time. The names are those inline definitions would get.
const SCHEMA_SQL = `
  CREATE SCHEMA billing;
  CREATE TABLE billing.accounts (
    id bigint GENERATED ALWAYS AS IDENTITY,
    email text NOT NULL,
    name text,
    balance numeric(20, 2) NOT NULL,
    opened_at timestamptz NOT NULL,
    settings jsonb,
    tags text[]
  );
  CREATE TABLE billing.payments (
    id bigserial,
    account_id bigint NOT NULL,
    amount numeric(20, 6) NOT NULL,
    currency char(3) NOT NULL,
    status text NOT NULL,
    paid_at timestamptz,
    receipt bytea,
    note text,
    attempts int NOT NULL
  );
  -- Append-only, as ledgers often are: no primary key.
  CREATE TABLE billing.ledger_entries (
    payment_id bigint NOT NULL,
    entry_at timestamptz NOT NULL,
    delta numeric NOT NULL,
    memo varchar(64)
  );
`;

const POST_DATA_SQL = `
  ALTER TABLE billing.accounts ADD PRIMARY KEY (id), ADD UNIQUE (email);
  ALTER TABLE billing.payments ADD PRIMARY KEY (id),
    ADD FOREIGN KEY (account_id) REFERENCES billing.accounts (id);
  CREATE INDEX payments_account_idx ON billing.payments (account_id);
  CREATE INDEX payments_paid_at_idx ON billing.payments (paid_at);
  ANALYZE;
`;

function rowsSql(rows: number): string {
  const [accounts, payments, ledger] = benchTables(rows).map((t) => t.rows) as [number, number, number];
  return `
  INSERT INTO billing.accounts (email, name, balance, opened_at, settings, tags)
  SELECT 'user' || g || '@example.com',
         CASE WHEN g % 11 = 0 THEN NULL WHEN g % 7 = 0 THEN 'Name ' || g || '  ' ELSE 'Name ' || g END,
         (g * 7.31)::numeric(20, 2),
         timestamptz '2020-01-01 00:00:00+00' + g * interval '53 seconds',
         CASE WHEN g % 3 = 0 THEN NULL ELSE jsonb_build_object('tier', g % 4, 'mail', g % 2 = 0, 'limits', jsonb_build_array(g % 100, 1000)) END,
         CASE WHEN g % 5 = 0 THEN NULL ELSE ARRAY['t' || (g % 13), 'vip'] END
    FROM generate_series(1, ${accounts}) g;
  INSERT INTO billing.payments (account_id, amount, currency, status, paid_at, receipt, note, attempts)
  SELECT 1 + (g::bigint * 7919) % ${accounts},
         (g % 100000) * 0.123457,
         (ARRAY['USD', 'EUR', 'CHF', 'JPY'])[1 + g % 4],
         (ARRAY['new', 'paid', 'paid', 'refunded', 'failed'])[1 + g % 5],
         CASE WHEN g % 9 = 0 THEN NULL ELSE timestamptz '2024-01-01 00:00:00+00' + g * interval '7.25 seconds' END,
         CASE WHEN g % 4 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,
         CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'card ending ' || (g % 10000) || ' ' ELSE 'invoice ' || g END,
         g % 3
    FROM generate_series(1, ${payments}) g;
  INSERT INTO billing.ledger_entries (payment_id, entry_at, delta, memo)
  SELECT 1 + (g::bigint * 104729) % ${payments},
         timestamptz '2024-01-01 00:00:00+00' + g * interval '11 seconds',
         ((g % 20001) - 10000) / 100.0,
         CASE WHEN g % 10 = 0 THEN NULL ELSE 'entry ' || g END
    FROM generate_series(1, ${ledger}) g;
`;
}

/** Creates the schema and its rows as the application's role; v1 of the copy, both sides of parity. */
export async function seedBenchData(server: PostgresServer, rows = BENCH_ROWS): Promise<void> {
  await server.session(async (client) => {
    await client.query(SCHEMA_SQL);
    await client.query(rowsSql(rows));
    await client.query(POST_DATA_SQL);
  });
}

export { endpointOf } from '@dbmig/sandbox';
