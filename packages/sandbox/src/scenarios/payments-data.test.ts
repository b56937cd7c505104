import type pg from 'pg';
import { startPostgres, type PostgresServer } from '../postgres/index.js';
import { PAYMENT_TABLES, paymentTableSizes, seedPayments } from './payments-data.js';

const ROWS = 2_000;

let v15: PostgresServer;
let v17: PostgresServer;

beforeAll(async () => {
  [v15, v17] = await Promise.all([
    startPostgres({ name: `seed15-${process.pid}` }),
    startPostgres({ name: `seed17-${process.pid}`, major: 17 }),
  ]);
  await Promise.all([seedPayments(v15, { rows: ROWS }), seedPayments(v17, { rows: ROWS })]);
});

afterAll(async () => {
  await Promise.all([v15?.stop(), v17?.stop()]);
});

/** Row count and an ordered digest of each table's rows as text, with the session's rendering pinned. */
async function digests(server: PostgresServer): Promise<Record<string, { rows: number; md5: string }>> {
  return server.session(async (client) => {
    await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'`);
    const out: Record<string, { rows: number; md5: string }> = {};
    for (const table of PAYMENT_TABLES) {
      const { rows } = await client.query<{ n: string; md5: string }>(
        `SELECT count(*) AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS md5 FROM ${table} AS t`,
      );
      out[table] = { rows: Number(rows[0]!.n), md5: rows[0]!.md5 };
    }
    return out;
  });
}

async function one<T extends pg.QueryResultRow>(server: PostgresServer, sql: string): Promise<T> {
  return server.session(async (client) => (await client.query<T>(sql)).rows[0]!);
}

async function count(server: PostgresServer, sql: string): Promise<number> {
  return Number((await one<{ n: string }>(server, `SELECT count(*) AS n FROM ${sql}`)).n);
}

describe('seedPayments', () => {
  test('writes the same rows for the same size, on PostgreSQL 15 as on 17, sized as paymentTableSizes says', async () => {
    const [a, b] = await Promise.all([digests(v15), digests(v17)]);
    expect(a).toEqual(b);
    const sizes = paymentTableSizes(ROWS);
    for (const table of PAYMENT_TABLES) expect(a[table]!.rows).toBe(sizes[table]);
    // The biggest table holds `rows` rows.
    expect(a.payments!.rows).toBe(ROWS);
    for (const table of PAYMENT_TABLES) expect(a[table]!.rows).toBeLessThanOrEqual(ROWS);
  });

  test('creates, as the application user, foreign keys, a sequence in a default, a table without a key and every listed type', async () => {
    const columns = await v15.session(async (client) => {
      const { rows } = await client.query<{
        tbl: string;
        col: string;
        type: string;
        generated: string;
        def: string | null;
      }>(`
        SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type,
               a.attgenerated AS generated, pg_get_expr(d.adbin, d.adrelid) AS def
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
      return rows;
    });
    const types = new Set(columns.map((c) => c.type));
    for (const type of [
      'jsonb',
      'numeric(20,6)',
      'numeric',
      'timestamp with time zone',
      'date',
      'interval',
      'bytea',
      'text[]',
      'integer[]',
      'text',
      'character(3)',
    ]) {
      expect(types).toContain(type);
    }
    expect(columns.find((c) => c.col === 'amount_minor')).toMatchObject({ tbl: 'payments', generated: 's' });
    expect(columns.find((c) => c.col === 'invoice_number')?.def).toBe(
      "nextval('invoice_number_seq'::regclass)",
    );

    const constraints = await v15.session(
      async (client) =>
        (
          await client.query<{ tbl: string; type: string; ref: string | null }>(
            `SELECT conrelid::regclass::text AS tbl, contype::text AS type, confrelid::regclass::text AS ref
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype IN ('p', 'f')`,
          )
        ).rows,
    );
    const foreignKeys = constraints.filter((c) => c.type === 'f').map((c) => `${c.tbl} → ${c.ref}`);
    expect(foreignKeys.sort()).toEqual([
      'ledger_entries → payments',
      'payments → accounts',
      'refunds → payments',
    ]);
    const withKey = new Set(constraints.filter((c) => c.type === 'p').map((c) => c.tbl));
    expect([...withKey].sort()).toEqual(['accounts', 'ledger_entries', 'payments', 'refunds']);

    expect(await count(v15, `pg_tables WHERE schemaname = 'public' AND tableowner <> 'dbadmin'`)).toBe(0);
    expect(await count(v15, `pg_tables WHERE schemaname = 'public'`)).toBe(PAYMENT_TABLES.length);
    // The stand-alone sequence moved once a payment; the serial and the identity once a row.
    expect(await one(v15, 'SELECT last_value::int AS v FROM invoice_number_seq')).toEqual({
      v: 100_000 + ROWS,
    });
    expect(await one(v15, 'SELECT max(invoice_number)::int AS v FROM payments')).toEqual({
      v: 100_000 + ROWS,
    });
  });

  test('holds the values a careless copy or comparison gets wrong', async () => {
    // Duplicates in the table without a key.
    expect(
      await count(
        v15,
        '(SELECT 1 FROM audit_log GROUP BY occurred_at, actor, action, detail HAVING count(*) > 1) d',
      ),
    ).toBeGreaterThan(0);
    // NULL, empty string and trailing spaces, each present.
    for (const [table, column] of [
      ['payments', 'memo'],
      ['accounts', 'holder_name'],
    ] as const) {
      expect(await count(v15, `${table} WHERE ${column} IS NULL`)).toBeGreaterThan(0);
      expect(await count(v15, `${table} WHERE ${column} = ''`)).toBeGreaterThan(0);
      expect(await count(v15, `${table} WHERE ${column} LIKE '% '`)).toBeGreaterThan(0);
    }
    // bytea with NUL bytes, empty and NULL; arrays empty, holding NULL, and NULL.
    expect(
      await count(v15, `payments WHERE position('\\x00'::bytea IN card_fingerprint) > 0`),
    ).toBeGreaterThan(0);
    expect(await count(v15, `payments WHERE card_fingerprint = ''::bytea`)).toBeGreaterThan(0);
    expect(await count(v15, `payments WHERE risk_scores = '{}'`)).toBeGreaterThan(0);
    expect(await count(v15, `payments WHERE array_position(risk_scores, NULL) IS NOT NULL`)).toBeGreaterThan(
      0,
    );
    expect(await count(v15, `accounts WHERE array_position(tags, NULL) IS NOT NULL`)).toBeGreaterThan(0);
    // numeric values equal to the type but different as text (1 and 1.00), and more digits than a double has.
    expect(await count(v15, `payments WHERE fx_rate = 1 AND fx_rate::text = '1'`)).toBeGreaterThan(0);
    expect(await count(v15, `payments WHERE fx_rate = 1 AND fx_rate::text <> '1'`)).toBeGreaterThan(0);
    expect(await count(v15, `payments WHERE length(fx_rate::text) > 30`)).toBeGreaterThan(0);
    // jsonb with escapes and non-ASCII text; intervals with months; microseconds in timestamps.
    expect(await count(v15, `accounts WHERE profile->>'note' LIKE E'%\\n%☕'`)).toBeGreaterThan(0);
    expect(
      await count(v15, `payments WHERE settlement_delay = INTERVAL '1 mon 2 days 03:04:05.678'`),
    ).toBeGreaterThan(0);
    expect(
      await count(v15, `payments WHERE extract(microseconds FROM created_at)::int % 1000000 <> 0`),
    ).toBeGreaterThan(0);
  });

  test('refuses to seed over its own tables and leaves them as they were; another size gives other rows', async () => {
    const before = await digests(v17);
    await expect(seedPayments(v17, { rows: ROWS })).rejects.toThrow(
      /seedPayments: could not seed the seed17-\d+ database paymentsdb: relation "invoice_number_seq" already exists/,
    );
    expect(await digests(v17)).toEqual(before);
    await expect(seedPayments(v17, { rows: 0 })).rejects.toThrow(/rows must be an integer from 1/);

    await v17.admin((client) =>
      client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION dbadmin'),
    );
    await seedPayments(v17, { rows: ROWS + 1 });
    const after = await digests(v17);
    expect(after.payments!.rows).toBe(ROWS + 1);
    expect(after.payments!.md5).not.toBe(before.payments!.md5);
  });
});
