import { endpointOf, startPostgres, type PostgresServer } from '@dbmig/sandbox';
import type pg from 'pg';
import { listSequences, listTables } from './catalog.js';
import {
  connectPostgres,
  PINNED_SESSION_SETTINGS,
  PostgresConnectError,
  type PostgresEndpoint,
} from './connection.js';
import { defaultRangeCount, planKeyRanges, rangePredicate } from './ranges.js';

let server: PostgresServer;
let endpoint: PostgresEndpoint;
let client: pg.Client;

beforeAll(async () => {
  // Server defaults unlike the pinned ones, to prove that the session pins its own.
  server = await startPostgres({
    name: 'catalog',
    settings: { TimeZone: 'Asia/Tokyo', DateStyle: 'SQL, DMY', IntervalStyle: 'sql_standard' },
  });
  endpoint = endpointOf(server, 'v1');
  await server.session((c) =>
    c.query(`
      CREATE SCHEMA billing;
      CREATE TABLE public.accounts (id bigserial PRIMARY KEY, name text NOT NULL, total numeric GENERATED ALWAYS AS (1) STORED);
      CREATE TABLE billing.invoices (code text PRIMARY KEY, amount numeric(20,6));
      CREATE TABLE public.audit_log (at timestamptz, note text);
      CREATE TABLE public.pairs (a int, b int, PRIMARY KEY (b, a));
      CREATE TABLE public.events (id int, day date NOT NULL, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);
      CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE SEQUENCE billing.invoice_numbers START 1000;
      INSERT INTO public.accounts (name) SELECT 'a' || g FROM generate_series(1, 10000) g;
      INSERT INTO billing.invoices SELECT 'inv-' || lpad(g::text, 5, '0'), g FROM generate_series(1, 3000) g;
      SELECT nextval('billing.invoice_numbers');
      ANALYZE;
    `),
  );
  client = await connectPostgres(endpoint, 'catalog test');
});

afterAll(async () => {
  await client?.end();
  await server?.stop();
});

describe('connectPostgres', () => {
  it('pins the session settings whatever the server defaults are', async () => {
    const shown = await client.query<{ tz: string; ds: string; is: string }>(
      `SELECT current_setting('TimeZone') AS tz, current_setting('DateStyle') AS ds,
              current_setting('IntervalStyle') AS "is"`,
    );
    expect(shown.rows[0]).toEqual({
      tz: PINNED_SESSION_SETTINGS['TimeZone'],
      ds: PINNED_SESSION_SETTINGS['DateStyle'],
      is: PINNED_SESSION_SETTINGS['IntervalStyle'],
    });
  });

  it('refuses a wrong password with a message that never holds the password tried', async () => {
    const wrong = { ...endpoint, password: 'not-the-password-x9' };
    const error = await connectPostgres(wrong).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PostgresConnectError);
    expect((error as Error).message).toMatch(/^v1: authentication failed/);
    expect((error as Error).message).not.toContain('not-the-password-x9');
  });
});

describe('listTables', () => {
  it('lists every ordinary table of every application schema, with columns and keys', async () => {
    const tables = await listTables(client);
    expect(tables.map((t) => `${t.schema}.${t.name}`)).toEqual([
      'billing.invoices',
      'public.accounts',
      'public.audit_log',
      'public.events_2026', // the partition holds the rows; its parent is not listed
      'public.pairs',
    ]);
    const accounts = tables.find((t) => t.name === 'accounts')!;
    expect(accounts.primaryKey).toEqual(['id']);
    expect(accounts.columns).toEqual([
      { name: 'id', type: 'bigint', notNull: true, generated: false, collatable: false },
      { name: 'name', type: 'text', notNull: true, generated: false, collatable: true },
      { name: 'total', type: 'numeric', notNull: false, generated: true, collatable: false },
    ]);
    expect(accounts.estimatedRows).toBe(10000);
    expect(accounts.estimatedBytes).toBeGreaterThan(0);
    expect(tables.find((t) => t.name === 'audit_log')!.primaryKey).toEqual([]);
    expect(tables.find((t) => t.name === 'pairs')!.primaryKey).toEqual(['b', 'a']);
    expect(tables.find((t) => t.name === 'events_2026')!.partitionOf).toBe('"public"."events"');
    expect(tables.find((t) => t.name === 'invoices')!.columns[1]!.type).toBe('numeric(20,6)');
  });
});

describe('listSequences', () => {
  it('reads each sequence state and its owner', async () => {
    const sequences = await listSequences(client);
    expect(sequences).toEqual([
      { schema: 'billing', name: 'invoice_numbers', lastValue: '1000', isCalled: true },
      {
        schema: 'public',
        name: 'accounts_id_seq',
        lastValue: '10000',
        isCalled: true,
        ownedBy: { schema: 'public', table: 'accounts', column: 'id' },
      },
    ]);
  });
});

describe('key ranges', () => {
  async function countIn(table: string, predicate: { sql: string; params: string[] }) {
    const result = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${table} WHERE ${predicate.sql}`,
      predicate.params,
    );
    return Number(result.rows[0]!.n);
  }

  it('cuts an integer key into even ranges that cover every row exactly once', async () => {
    const accounts = (await listTables(client)).find((t) => t.name === 'accounts')!;
    const ranges = await planKeyRanges(client, accounts, 4);
    expect(ranges).toHaveLength(4);
    expect(ranges[0]!.lower).toBeUndefined();
    expect(ranges[3]!.upper).toBeUndefined();
    const counts = [];
    for (const range of ranges)
      counts.push(await countIn('public.accounts', rangePredicate(accounts, range)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10000);
    for (const count of counts) expect(count).toBeGreaterThan(2000);
  });

  it('cuts a text key in "C" order, and covers every row', async () => {
    const invoices = (await listTables(client)).find((t) => t.name === 'invoices')!;
    const ranges = await planKeyRanges(client, invoices, 3);
    expect(ranges).toHaveLength(3);
    expect(rangePredicate(invoices, ranges[1]!).sql).toBe(
      '"code" COLLATE "C" >= $1::text AND "code" COLLATE "C" < $2::text',
    );
    let total = 0;
    for (const range of ranges) total += await countIn('billing.invoices', rangePredicate(invoices, range));
    expect(total).toBe(3000);
  });

  it('keeps a composite or missing key in one range', async () => {
    const tables = await listTables(client);
    for (const name of ['pairs', 'audit_log']) {
      const table = tables.find((t) => t.name === name)!;
      expect(await planKeyRanges(client, table, 8)).toEqual([{ index: 0 }]);
      expect(defaultRangeCount(table)).toBe(1);
      expect(rangePredicate(table, { index: 0 })).toEqual({ sql: 'true', params: [] });
    }
  });

  it('chooses one range for a small table', async () => {
    const accounts = (await listTables(client)).find((t) => t.name === 'accounts')!;
    expect(defaultRangeCount(accounts)).toBe(1);
    expect(defaultRangeCount({ ...accounts, estimatedRows: 2_000_000, estimatedBytes: 100 })).toBe(4);
    expect(defaultRangeCount({ ...accounts, estimatedBytes: 10 * 1024 ** 3 })).toBe(32);
  });
});
