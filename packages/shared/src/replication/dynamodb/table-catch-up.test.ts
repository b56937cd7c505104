import {
  CreateTableCommand,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { passTime, rollOverStreamShards, Sandbox, sandboxClient } from '@dbmig/sandbox';
import { compareTables } from '../../data/dynamodb/compare-tables.js';
import { copyTable } from '../../data/dynamodb/copy-table.js';
import {
  createTable,
  mixedItem,
  sandboxDynamoDb,
  sandboxSsm,
  seed,
} from '../../data/dynamodb/sandbox.fixture.js';
import { ssmJsonStore } from '../../data/dynamodb/ssm-checkpoint-store.js';
import { parseStreamPositions, type StreamPositions } from './positions.js';
import { tableStream } from './stream-of-table.js';
import { TableCatchUp, type TableCatchUpOptions } from './table-catch-up.js';

/*
 * The table's catch-up against the sandbox's DynamoDB and DynamoDB Streams over real HTTP: a copy made
 * while v1 takes puts, updates and deletes converges once the stream is applied, through a kill, a shard
 * rollover and an expired iterator; what the stream no longer holds is refused.
 */

const REGION = 'us-east-1';
const SEEDED = 300;

let sandbox: Sandbox;
let dynamo: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let ssm: SSMClient;
let tables = 0;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  dynamo = sandboxDynamoDb(sandbox, REGION);
  streams = sandboxClient(DynamoDBStreamsClient, sandbox, REGION);
  ssm = sandboxSsm(sandbox, REGION);
});

afterAll(async () => {
  for (const client of [dynamo, streams, ssm]) client?.destroy();
  await sandbox?.stop();
});

/** A v1 table with a NEW_AND_OLD_IMAGES stream and SEEDED items, and an empty v2 table. */
async function pair(): Promise<{ v1: string; v2: string; options: TableCatchUpOptions }> {
  const n = ++tables;
  const v1 = `sessions-v1-${n}`;
  const v2 = `sessions-v2-${n}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName: v1,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await createTable(dynamo, v2);
  await seed(
    dynamo,
    v1,
    Array.from({ length: SEEDED }, (_, i) => mixedItem(i)),
  );
  const store = ssmJsonStore<StreamPositions>(
    ssm,
    `/test/positions-${n}`,
    parseStreamPositions,
    () => 'too large',
  );
  return {
    v1,
    v2,
    options: { streams, dynamodb: dynamo, target: v2, store, now: () => sandbox.now() },
  };
}

const key = (i: number) => ({ pk: { S: `session-${String(i).padStart(6, '0')}` } });

/** The application's writes on v1: updates of seeded items, new items, deletes, and one key changed many times. */
async function writeToV1(table: string, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const op = i % 4;
    if (op === 0) await dynamo.send(new PutItemCommand({ TableName: table, Item: mixedItem(SEEDED + i) }));
    else if (op === 1) {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(i % SEEDED),
          UpdateExpression: 'SET visits = :v',
          ExpressionAttributeValues: { ':v': { N: String(i) } },
        }),
      );
    } else if (op === 2)
      await dynamo.send(new DeleteItemCommand({ TableName: table, Key: key((i * 7) % SEEDED) }));
    else {
      // One key deleted and put back over and over: only its last change may survive, in order.
      await dynamo.send(new DeleteItemCommand({ TableName: table, Key: key(SEEDED - 1) }));
      await dynamo.send(
        new PutItemCommand({ TableName: table, Item: { ...mixedItem(SEEDED - 1), round: { N: String(i) } } }),
      );
    }
  }
}

async function parity(v1: string, v2: string) {
  return compareTables({ v1: { client: dynamo, table: v1 }, v2: { client: dynamo, table: v2 }, segments: 2 });
}

test('a copy made while v1 takes writes converges once the stream is applied; a copy alone does not', async () => {
  const { v1, v2, options } = await pair();
  const catchUp = await TableCatchUp.begin(options, await tableStream(dynamo, v1, REGION));
  catchUp.follow((error) => {
    throw error;
  });
  const writes = writeToV1(v1, 0, 200);
  await copyTable({
    source: { client: dynamo, table: v1 },
    target: { client: dynamo, table: v2 },
    segments: 4,
    pageSize: 50,
  });
  await writes;
  // The scan saw some of the writes and not others: v2 differs from v1 until the stream is applied.
  expect((await parity(v1, v2)).equal).toBe(false);
  const result = await catchUp.catchUp({ detectConflicts: false, timeoutMs: 60_000 });
  expect(result.records).toBeGreaterThanOrEqual(200);
  expect(result.keysApplied).toBeGreaterThan(0);
  expect(result.keysApplied).toBeLessThan(result.records);
  expect(result.conflicts).toEqual([]);
  expect(await parity(v1, v2)).toMatchObject({ equal: true, differences: [] });
  // The positions were saved: another catch-up later carries what v1 wrote since.
  const saved = await options.store.load();
  expect(Object.values(saved!.shards).some((p) => p.after)).toBe(true);
  await writeToV1(v1, 200, 40);
  const later = await TableCatchUp.resume(options, saved!);
  const second = await later.catchUp({ detectConflicts: false, timeoutMs: 60_000 });
  expect(second.records).toBe(50); // 40 writes, of which every fourth writes twice
  expect(second.lagMs).toBeGreaterThanOrEqual(0);
  expect(await parity(v1, v2)).toMatchObject({ equal: true });
});

test('a run killed after the copy began loses nothing: the next one resumes from the saved positions', async () => {
  const { v1, v2, options } = await pair();
  const first = await TableCatchUp.begin(options, await tableStream(dynamo, v1, REGION));
  first.follow(() => {});
  await writeToV1(v1, 0, 60);
  await copyTable({
    source: { client: dynamo, table: v1 },
    target: { client: dynamo, table: v2 },
    segments: 2,
  });
  // Killed: what `first` read is lost with it, nothing was applied, the positions name no record.
  await writeToV1(v1, 60, 60);
  const saved = await options.store.load();
  expect(Object.values(saved!.shards).every((p) => !p.after)).toBe(true);
  const resumed = await TableCatchUp.resume(options, saved!);
  await resumed.catchUp({ detectConflicts: false, timeoutMs: 60_000 });
  expect(await parity(v1, v2)).toMatchObject({ equal: true });
});

test('a shard rollover and an iterator that expired during a long scan are read through, parents first', async () => {
  const { v1, v2, options } = await pair();
  const catchUp = await TableCatchUp.begin(options, await tableStream(dynamo, v1, REGION));
  await copyTable({
    source: { client: dynamo, table: v1 },
    target: { client: dynamo, table: v2 },
    segments: 2,
  });
  await writeToV1(v1, 0, 30);
  rollOverStreamShards(sandbox, REGION, v1);
  await writeToV1(v1, 30, 30);
  // Nothing read for 16 minutes of the sandbox's clock: every iterator the reader holds has expired.
  passTime(sandbox, 16 * 60_000);
  await writeToV1(v1, 60, 30);
  const result = await catchUp.catchUp({ detectConflicts: false, timeoutMs: 60_000 });
  // 90 writes, every fourth one two records; the open shard, whose iterator expired before anything was
  // read from it, is taken up from its trim horizon, so the seeding's records are read (and skipped
  // only past SINCE_MARGIN_MS) again: more records, the same items.
  expect(result.records).toBeGreaterThanOrEqual(90 + 22);
  expect(await parity(v1, v2)).toMatchObject({ equal: true });
  const shards = Object.values(result.positions.shards);
  expect(shards.filter((p) => p.ended)).toHaveLength(1);
  expect(shards.filter((p) => !p.ended && p.after)).toHaveLength(1);
});

test('after the switch, a key the application wrote on v2 too is named as a conflict; v1’s change is applied', async () => {
  const { v1, v2, options } = await pair();
  const catchUp = await TableCatchUp.begin(options, await tableStream(dynamo, v1, REGION));
  await copyTable({
    source: { client: dynamo, table: v1 },
    target: { client: dynamo, table: v2 },
    segments: 2,
  });
  await catchUp.catchUp({ detectConflicts: false, timeoutMs: 60_000 });
  const update = (table: string, i: number, by: string) =>
    dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key(i),
        UpdateExpression: 'SET last_writer = :w',
        ExpressionAttributeValues: { ':w': { S: by } },
      }),
    );
  await update(v2, 5, 'instance on v2');
  await update(v1, 5, 'instance on v1');
  await update(v1, 6, 'instance on v1');
  const drain = await catchUp.catchUp({ detectConflicts: true, timeoutMs: 60_000 });
  expect(drain.conflicts).toEqual([{ key: 'pk=S:"session-000005"' }]);
  expect(await parity(v1, v2)).toMatchObject({ equal: true });
});

test('what the stream no longer holds is refused: a resume past the retention, and records trimmed', async () => {
  const { v1, v2, options } = await pair();
  const catchUp = await TableCatchUp.begin(options, await tableStream(dynamo, v1, REGION));
  await copyTable({
    source: { client: dynamo, table: v1 },
    target: { client: dynamo, table: v2 },
    segments: 2,
  });
  await writeToV1(v1, 0, 8);
  const { positions } = await catchUp.catchUp({ detectConflicts: false, timeoutMs: 60_000 });
  await writeToV1(v1, 8, 8);
  passTime(sandbox, 25 * 60 * 60_000);
  // Applied up to a record; the next ones are past the trim point.
  await expect(TableCatchUp.resume(options, structuredClone(positions))).rejects.toThrow(
    /24-hour retention and were trimmed.*Copy the table again/,
  );
  // Nothing applied at all since `since`, a day ago.
  const never: StreamPositions = { ...structuredClone(positions), shards: {} };
  never.shards[Object.keys(positions.shards)[0]!] = {};
  await expect(TableCatchUp.resume(options, never)).rejects.toThrow(
    /began 25\.\d h ago and 1 shard\(s\) of its stream have had nothing applied since/,
  );
});

test('a table without a stream, or with one that carries no new image, is refused with the fix', async () => {
  await createTable(dynamo, 'no-stream');
  await expect(tableStream(dynamo, 'no-stream', REGION)).rejects.toThrow(
    /no stream.*--stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES/,
  );
  await dynamo.send(
    new CreateTableCommand({
      TableName: 'keys-only',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    }),
  );
  await expect(tableStream(dynamo, 'keys-only', REGION)).rejects.toThrow(/stream is KEYS_ONLY/);
  expect(await tableStream(dynamo, (await pair()).v1, REGION)).toMatchObject({
    viewType: 'NEW_AND_OLD_IMAGES',
    keyNames: ['pk'],
  });
});
