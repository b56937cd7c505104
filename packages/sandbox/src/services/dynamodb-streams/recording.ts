import type { RawReply, RequestContext } from '../../protocols/types.js';
import type { TableStream, WireItem } from '../../world/types.js';
import type { DynaliteCall } from '../dynamodb/source-table.js';
import { ensureGlobalStream } from './table-stream.js';
import { appendRecord, enabledStream } from './streams.js';

/** The item writes that become stream records (dynalite has no TransactWriteItems, so nothing forwards one). */
export const RECORDED_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** One item a write touches, in a table with a stream. */
interface Touched {
  table: string;
  stream: TableStream;
  key: WireItem;
}

/**
 * Turns the item writes a request makes into stream records. Each record is derived from the item before
 * and after the write, read with consistent reads from dynalite around the forwarded request, so the
 * images are exactly what the write did; a write that changed nothing (the same item put again, a delete
 * of a missing item) makes no record, as in DynamoDB. Writes to a table with a stream are serialized, so
 * that no other write slips between the reads and the write, and the records of one key keep their
 * order. Tables without a stream are forwarded as before, with no extra read and no wait.
 */
export class StreamRecorder {
  /** The tail of each table's queue of writes, by `region/table`. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly call: DynaliteCall) {}

  async around(
    ctx: RequestContext,
    operation: string,
    body: Buffer,
    send: (body: Buffer) => Promise<RawReply>,
  ): Promise<RawReply> {
    const writes = await this.touched(ctx, operation, body);
    if (writes.length === 0) return send(body);
    const tables = [...new Set(writes.map((w) => `${ctx.region}/${w.table}`))].sort();
    return this.serialized(tables, async () => {
      const before = await this.images(ctx, writes);
      const reply = await send(body);
      if (reply.status !== 200) return reply;
      const after = await this.images(ctx, writes);
      const now = ctx.now();
      for (const [i, write] of writes.entries()) {
        const oldImage = before[i];
        const newImage = after[i];
        if (same(oldImage, newImage)) continue;
        appendRecord(
          ctx.world,
          write.stream,
          {
            keys: write.key,
            ...(oldImage ? { oldImage } : {}),
            ...(newImage ? { newImage } : {}),
          },
          ctx.region,
          now,
        );
      }
      return reply;
    });
  }

  /** The items the request writes in tables that have an enabled stream. Unreadable input goes to dynalite as is. */
  private async touched(ctx: RequestContext, operation: string, body: Buffer): Promise<Touched[]> {
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return [];
    }
    const items: { table: string; item: WireItem }[] = [];
    if (operation === 'BatchWriteItem') {
      const requestItems = (input['RequestItems'] ?? {}) as Record<string, unknown>;
      for (const [table, list] of Object.entries(requestItems)) {
        if (!Array.isArray(list)) continue;
        for (const request of list as Record<string, { Item?: WireItem; Key?: WireItem } | undefined>[]) {
          const item = request['PutRequest']?.Item ?? request['DeleteRequest']?.Key;
          if (item) items.push({ table, item });
        }
      }
    } else {
      const item = (operation === 'PutItem' ? input['Item'] : input['Key']) as WireItem | undefined;
      if (typeof input['TableName'] === 'string' && item) items.push({ table: input['TableName'], item });
    }
    const touched: Touched[] = [];
    const state = ctx.world.region(ctx.region);
    for (const { table, item } of items) {
      const overlay = state.tables.get(table);
      if (!overlay) continue;
      await ensureGlobalStream(ctx, overlay, this.call);
      const stream = enabledStream(state, overlay);
      if (!stream) continue;
      const key = keyOf(item, stream);
      // A key missing an attribute is refused by dynalite; nothing to record for it.
      if (Object.keys(key).length !== stream.keySchema.length) continue;
      touched.push({ table, stream, key });
    }
    return touched;
  }

  /**
   * The current item of every write's key (undefined when absent), read consistently: one GetItem for a
   * single write, BatchGetItem for a batch (at most 25 keys, within its 100), so that seeding a table with
   * a stream costs two reads a batch, not fifty.
   */
  private async images(ctx: RequestContext, writes: Touched[]): Promise<(WireItem | undefined)[]> {
    if (writes.length === 1) {
      const [{ table, key }] = writes as [Touched];
      const { status, text } = await this.call(ctx, ctx.region, 'GetItem', {
        TableName: table,
        Key: key,
        ConsistentRead: true,
      });
      if (status !== 200) throw new Error(`sandbox: dynalite refused GetItem on ${table}: ${text}`);
      return [(JSON.parse(text) as { Item?: WireItem }).Item];
    }
    const found = new Map<string, WireItem>();
    let pending: Record<string, { Keys: WireItem[]; ConsistentRead: boolean }> = {};
    for (const { table, key } of writes)
      (pending[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
    // dynalite answers every key at once, but UnprocessedKeys is read again should it not.
    while (Object.keys(pending).length > 0) {
      const { status, text } = await this.call(ctx, ctx.region, 'BatchGetItem', { RequestItems: pending });
      if (status !== 200) throw new Error(`sandbox: dynalite refused BatchGetItem: ${text}`);
      const output = JSON.parse(text) as {
        Responses?: Record<string, WireItem[]>;
        UnprocessedKeys?: typeof pending;
      };
      for (const [table, items] of Object.entries(output.Responses ?? {})) {
        const stream = writes.find((w) => w.table === table)!.stream;
        for (const item of items) found.set(`${table} ${canonical(keyOf(item, stream))}`, item);
      }
      pending = output.UnprocessedKeys ?? {};
    }
    return writes.map(({ table, key }) => found.get(`${table} ${canonical(key)}`));
  }

  /** Runs `work` once every earlier write to any of `tables` has ended (tables taken in sorted order). */
  private async serialized<T>(tables: string[], work: () => Promise<T>): Promise<T> {
    const waits = tables.map((t) => this.queues.get(t) ?? Promise.resolve());
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    for (const table of tables) this.queues.set(table, done);
    try {
      await Promise.all(waits);
      return await work();
    } finally {
      release();
      for (const table of tables) if (this.queues.get(table) === done) this.queues.delete(table);
    }
  }
}

/** The key attributes of an item (those it has), by the stream's key schema. */
function keyOf(item: WireItem, stream: TableStream): WireItem {
  const key: WireItem = {};
  for (const { AttributeName } of stream.keySchema) {
    if (item[AttributeName] !== undefined) key[AttributeName] = item[AttributeName];
  }
  return key;
}

/** Item equality as DynamoDB sees it: attribute order and the order of a set's members do not count. */
function same(a: WireItem | undefined, b: WireItem | undefined): boolean {
  if (!a || !b) return a === b;
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1));
  return `{${entries
    .map(([k, v]) => {
      // String, number and binary sets are unordered.
      const member = ['SS', 'NS', 'BS'].includes(k) && Array.isArray(v) ? [...(v as string[])].sort() : v;
      return `${JSON.stringify(k)}:${canonical(member)}`;
    })
    .join(',')}}`;
}
