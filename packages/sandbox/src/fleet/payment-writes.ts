import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { selectList, type WriteOp, type WrittenTable } from './acknowledged-writes.js';

/*
 * The application's transactions on the payments schema, one instance's worth. Each instance touches
 * only rows it inserted itself (its own account, its payments, their refunds), so that the final state
 * of every key is decided by one instance's log, whatever the others do at the same time.
 */

/** A row a transaction wrote, as its RETURNING clause gave it back. */
export interface RowWritten {
  table: WrittenTable;
  key: string;
  op: WriteOp;
  values: Record<string, string | null>;
  ids: Record<string, string>;
}

/** A COMMIT that did not return: the transaction may or may not have committed. */
export class CommitInDoubtError extends Error {
  constructor(cause: unknown) {
    super(`COMMIT did not return: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitInDoubtError';
  }
}

/** Rows an instance keeps to update or delete later; older ones are left as they are. */
const KEEP_ROWS = 500;
const STATUSES = ['pending', 'settled', 'failed', 'refunded'] as const;

// The application's statements; each RETURNING gives back the row as the log keeps it.
const INSERT_ACCOUNT = `
  INSERT INTO accounts (id, external_ref, country, opened_on, created_at)
  VALUES ($1, $2, 'US', current_date, now())
  RETURNING ${selectList('accounts')}`;

const INSERT_PAYMENT = `
  INSERT INTO payments (id, account_id, amount, currency, status, memo, metadata, created_at)
  VALUES ($1, $2, $3, 'USD', 'pending', $4, jsonb_build_object('channel', 'api', 'instance', $5::text), now())
  RETURNING ${selectList('payments')}`;

const INSERT_LEDGER_ENTRY = `
  INSERT INTO ledger_entries (payment_id, entry_type, amount, posted_at, posted_on)
  VALUES ($1, 'debit', $2, now(), current_date)
  RETURNING ${selectList('ledger_entries')}`;

const INSERT_AUDIT_ROW = `
  INSERT INTO audit_log (occurred_at, actor, action, detail)
  VALUES (now(), $1, 'payment.created', jsonb_build_object('payment_id', $2::bigint, 'write', $3::text))
  RETURNING ${selectList('audit_log')}`;

const INSERT_REFUND = `
  INSERT INTO refunds (payment_id, amount, reason, requested_at)
  VALUES ($1, $2, 'customer request', now())
  RETURNING ${selectList('refunds')}`;

const UPDATE_PAYMENT = `
  UPDATE payments SET status = $2, memo = $3 WHERE id = $1
  RETURNING ${selectList('payments')}`;

/** What one instance has written and may touch again. */
export class InstanceRows {
  private account: string | undefined;
  private readonly payments: string[] = [];
  private readonly refunds: string[] = [];
  private updates = 0;

  constructor(private readonly instanceId: string) {}

  /**
   * One transaction of the application's mix, chosen at random among those it has rows for: a new
   * payment (with its ledger entry and audit row; the instance's account first, the first time), a
   * refund of one of its payments, a change of a payment's status and memo, a refund withdrawn.
   * Returns the rows written once the COMMIT returned; throws otherwise.
   */
  async writeOne(client: pg.Client): Promise<RowWritten[]> {
    const pick = Math.random();
    const payment = sample(this.payments);
    const refund = sample(this.refunds);
    if (payment && pick < 0.25) return this.refund(client, payment);
    if (payment && pick < 0.5) return this.update(client, payment);
    if (refund && pick < 0.65) return this.withdraw(client, refund);
    return this.pay(client);
  }

  private async pay(client: pg.Client): Promise<RowWritten[]> {
    const accountId = this.account ?? newId();
    const paymentId = newId();
    const amount = randomAmount();
    const token = randomUUID();
    const rows = await transaction(client, async () => {
      const written: RowWritten[] = [];
      if (!this.account) {
        written.push(
          await one(client, 'accounts', 'insert', INSERT_ACCOUNT, [
            accountId,
            `fleet-${this.instanceId}-${accountId}`,
          ]),
        );
      }
      const paid = await one(client, 'payments', 'insert', INSERT_PAYMENT, [
        paymentId,
        accountId,
        amount,
        `order ${paymentId} by ${this.instanceId}`,
        this.instanceId,
      ]);
      paid.ids = { invoice_number: paid.values.invoice_number ?? '' };
      written.push(paid);
      const entry = await one(client, 'ledger_entries', 'insert', INSERT_LEDGER_ENTRY, [paymentId, amount]);
      entry.ids = { id: entry.key };
      written.push(entry);
      written.push(
        await one(client, 'audit_log', 'insert', INSERT_AUDIT_ROW, [this.instanceId, paymentId, token]),
      );
      return written;
    });
    this.account = accountId;
    keep(this.payments, paymentId);
    return rows;
  }

  private async refund(client: pg.Client, paymentId: string): Promise<RowWritten[]> {
    const rows = await transaction(client, async () => {
      const row = await one(client, 'refunds', 'insert', INSERT_REFUND, [paymentId, randomAmount()]);
      row.ids = { id: row.key };
      return [row];
    });
    keep(this.refunds, rows[0]!.key);
    return rows;
  }

  private async update(client: pg.Client, paymentId: string): Promise<RowWritten[]> {
    const status = STATUSES[Math.floor(Math.random() * STATUSES.length)]!;
    const memo = `update ${++this.updates} by ${this.instanceId}`;
    try {
      return await transaction(client, async () => [
        await one(client, 'payments', 'update', UPDATE_PAYMENT, [paymentId, status, memo]),
      ]);
    } catch (error) {
      // In doubt, the row's state is unknown: the instance never builds on it again.
      if (error instanceof CommitInDoubtError) forget(this.payments, paymentId);
      throw error;
    }
  }

  private async withdraw(client: pg.Client, refundId: string): Promise<RowWritten[]> {
    try {
      const rows = await transaction(client, async () => {
        const { rowCount } = await client.query('DELETE FROM refunds WHERE id = $1', [refundId]);
        if (rowCount !== 1) throw new Error(`refund ${refundId} it wrote is not there to delete`);
        return [{ table: 'refunds', key: refundId, op: 'delete', values: {}, ids: {} } satisfies RowWritten];
      });
      forget(this.refunds, refundId);
      return rows;
    } catch (error) {
      if (error instanceof CommitInDoubtError) forget(this.refunds, refundId);
      throw error;
    }
  }
}

/**
 * Whether the database holds the payments schema the scenarios seed: the load writes nothing, and says
 * nothing, where it does not (an empty v2, the guide world's simpler `payments`).
 */
export async function hasPaymentsSchema(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(
    `SELECT count(*) = 5 AND EXISTS (
              SELECT 1 FROM pg_catalog.pg_attribute
               WHERE attrelid = to_regclass('public.payments') AND attname = 'invoice_number' AND NOT attisdropped)
              AS present
       FROM unnest(ARRAY['accounts', 'payments', 'refunds', 'ledger_entries', 'audit_log']) AS t(name)
      WHERE to_regclass('public.' || t.name) IS NOT NULL`,
  );
  return rows[0]?.present === true;
}

/**
 * BEGIN, `fn`, COMMIT. A failure before the COMMIT rolls back (nothing was written); a COMMIT that does
 * not return is in doubt. A COMMIT that answers ROLLBACK (the transaction had failed) is a failure too.
 */
async function transaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  let command: string;
  try {
    ({ command } = await client.query('COMMIT'));
  } catch (error) {
    throw new CommitInDoubtError(error);
  }
  if (command !== 'COMMIT') throw new Error(`COMMIT answered ${command}: nothing was written`);
  return result;
}

/** Runs a statement that writes one row and returns it (its RETURNING is `selectList(table)`). */
async function one(
  client: pg.Client,
  table: WrittenTable,
  op: WriteOp,
  sql: string,
  params: unknown[],
): Promise<RowWritten> {
  const { rows } = await client.query<{ key: string } & Record<string, string | null>>(sql, params);
  if (rows.length !== 1) throw new Error(`${op} on ${table} wrote ${rows.length} rows, not 1`);
  const { key, ...values } = rows[0]!;
  return { table, key, op, values, ids: {} };
}

/**
 * An id the application makes: random, in [2^61, 2^62), so that it is unique across instances and runs
 * and never one of the seed's small ids.
 */
function newId(): string {
  return ((randomBytes(8).readBigUInt64BE() >> 3n) | (1n << 61n)).toString();
}

/** 0.01 to 999.99. */
function randomAmount(): string {
  return (1 + Math.floor(Math.random() * 99_999))
    .toString()
    .padStart(3, '0')
    .replace(/(\d{2})$/, '.$1');
}

function sample(list: readonly string[]): string | undefined {
  return list.length === 0 ? undefined : list[Math.floor(Math.random() * list.length)];
}

function keep(list: string[], id: string): void {
  list.push(id);
  if (list.length > KEEP_ROWS) list.shift();
}

function forget(list: string[], id: string): void {
  const index = list.indexOf(id);
  if (index >= 0) list.splice(index, 1);
}
