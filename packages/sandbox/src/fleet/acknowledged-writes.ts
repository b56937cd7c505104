import pg from 'pg';

/*
 * What the fleet's write load was told was written, and the check that a database still holds it. The
 * load logs a write only once its COMMIT returned: an application that got an error never told its user
 * the write happened, so only what the log holds may be missing after a migration.
 */

/** The tables of the payments schema the write load writes (`scenarios/payments-data.ts`). */
export const WRITTEN_TABLES = ['accounts', 'payments', 'refunds', 'ledger_entries', 'audit_log'] as const;
export type WrittenTable = (typeof WRITTEN_TABLES)[number];

export type WriteOp = 'insert' | 'update' | 'delete';

/** One row one acknowledged transaction wrote: the row's state once the COMMIT returned. */
export interface AcknowledgedWrite {
  /** The transaction's number in the fleet's log: the rows one transaction wrote share it. */
  write: number;
  /** When the COMMIT returned. */
  at: Date;
  instanceId: string;
  group: string;
  /** The identifier of the cluster the instance's parameters named, which it wrote to. */
  cluster: string;
  table: WrittenTable;
  /** The row's key as text: `id` for the keyed tables, the write's token in `detail` for `audit_log`. */
  key: string;
  op: WriteOp;
  /** The row's columns that identify its state (see CHECKED_COLUMNS), as PostgreSQL prints them; {} for a delete. */
  values: Record<string, string | null>;
  /** What the database generated for the row (invoice_number, a sequence's or identity's id). */
  ids: Record<string, string>;
}

interface TableCheck {
  /** The key, as an SQL expression on the table, and its type for `= ANY($1::type[])`. */
  key: string;
  keyType: 'bigint' | 'text';
  columns: readonly string[];
}

/**
 * How each table's rows are found and compared. The write load's RETURNING clauses are built from
 * this too, so that the log holds exactly what the check reads.
 */
export const CHECKED_COLUMNS: Record<WrittenTable, TableCheck> = {
  accounts: { key: 'id', keyType: 'bigint', columns: ['external_ref', 'country'] },
  payments: {
    key: 'id',
    keyType: 'bigint',
    columns: ['account_id', 'invoice_number', 'amount', 'status', 'memo'],
  },
  refunds: { key: 'id', keyType: 'bigint', columns: ['payment_id', 'amount', 'reason'] },
  ledger_entries: { key: 'id', keyType: 'bigint', columns: ['payment_id', 'entry_type', 'amount'] },
  // No key: each row the load writes carries a token of its own in `detail`.
  audit_log: { key: "detail->>'write'", keyType: 'text', columns: ['actor', 'action'] },
};

/** `key AS key, col::text AS col, ...`: a row as the log and the check compare it. */
export function selectList(table: WrittenTable): string {
  const { key, columns } = CHECKED_COLUMNS[table];
  const cols = columns.map((c) => `${pg.escapeIdentifier(c)}::text AS ${pg.escapeIdentifier(c)}`);
  return [`(${key})::text AS key`, ...cols].join(', ');
}

export interface AcknowledgedWritesCheck {
  /** Keys checked: one per row the log names, at the state of its last acknowledged write. */
  checked: number;
  /**
   * One line per key whose state is not the logged one (table, key, expected and found), and per key
   * inserted twice.
   */
  missing: string[];
}

/**
 * Reads the database `client` is connected to (v2 at the end of a migration) and checks, for every key
 * the log names, the state of its LAST acknowledged write: a deleted row is absent, an inserted or
 * updated row is there with the logged values. One query per table (`= ANY($1)`), whatever the log's
 * size. The writes are taken in the log's order; each key is written by one instance only, so that
 * order is the order its COMMITs returned. A key inserted twice (by two instances, or on v1 and on v2)
 * is reported too: a sequence handed out an id it had handed out before.
 */
export async function checkAcknowledgedWrites(
  client: pg.Client,
  writes: readonly AcknowledgedWrite[],
): Promise<AcknowledgedWritesCheck> {
  const last = new Map<WrittenTable, Map<string, AcknowledgedWrite>>();
  const inserted = new Map<string, AcknowledgedWrite>();
  const missing: string[] = [];
  for (const write of writes) {
    if (!WRITTEN_TABLES.includes(write.table)) {
      throw new Error(
        `checkAcknowledgedWrites: write ${write.write} names table "${String(write.table)}"; expected one of ${WRITTEN_TABLES.join(', ')}`,
      );
    }
    if (write.op === 'insert') {
      // Two inserts of one key: a sequence handed out an id already used (v2's, not advanced past v1's).
      const first = inserted.get(`${write.table} ${write.key}`);
      if (first) {
        missing.push(
          `${write.table} ${write.key}: inserted twice, by ${first.instanceId} on ${first.cluster} at ${first.at.toISOString()} ` +
            `and by ${write.instanceId} on ${write.cluster} at ${write.at.toISOString()}: an id was handed out twice`,
        );
      } else inserted.set(`${write.table} ${write.key}`, write);
    }
    const keys = last.get(write.table) ?? new Map<string, AcknowledgedWrite>();
    keys.set(write.key, write);
    last.set(write.table, keys);
  }
  let checked = 0;
  for (const table of WRITTEN_TABLES) {
    const keys = last.get(table);
    if (!keys) continue;
    const found = await readRows(client, table, [...keys.keys()]);
    for (const [key, write] of keys) {
      checked++;
      const problem = compare(write, found.get(key) ?? []);
      if (problem) missing.push(`${table} ${key}: ${problem}`);
    }
  }
  return { checked, missing };
}

type Row = Record<string, string | null>;

async function readRows(client: pg.Client, table: WrittenTable, keys: string[]): Promise<Map<string, Row[]>> {
  const { key, keyType } = CHECKED_COLUMNS[table];
  let rows: ({ key: string } & Row)[];
  try {
    ({ rows } = await client.query<{ key: string } & Row>(
      `SELECT ${selectList(table)} FROM public.${pg.escapeIdentifier(table)} WHERE (${key}) = ANY($1::${keyType}[])`,
      [keys],
    ));
  } catch (error) {
    throw new Error(
      `checkAcknowledgedWrites: could not read public.${table}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const byKey = new Map<string, Row[]>();
  for (const { key: k, ...row } of rows) byKey.set(k, [...(byKey.get(k) ?? []), row]);
  return byKey;
}

/** Why the rows found are not the state `write` left, or undefined when they are. */
function compare(write: AcknowledgedWrite, found: Row[]): string | undefined {
  const by = `${write.op} by ${write.instanceId} on ${write.cluster} at ${write.at.toISOString()}`;
  if (write.op === 'delete') {
    return found.length === 0
      ? undefined
      : `expected no row (${by}), found ${found.map(describe).join('; ')}`;
  }
  const expected = describe(write.values);
  if (found.length === 0) return `expected ${expected} (${by}), found no row`;
  if (found.length > 1) return `expected ${expected} (${by}), found ${found.length} rows`;
  const row = found[0]!;
  const same = CHECKED_COLUMNS[write.table].columns.every((c) => row[c] === (write.values[c] ?? null));
  return same ? undefined : `expected ${expected} (${by}), found ${describe(row)}`;
}

/** `status="settled", memo=NULL`: strings quoted, so that '' and trailing spaces show. */
function describe(row: Row): string {
  return Object.entries(row)
    .map(([column, value]) => `${column}=${value === null ? 'NULL' : JSON.stringify(value)}`)
    .join(', ');
}
