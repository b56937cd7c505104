import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLab, type Lab } from '../lab.js';
import { readStream } from '../services/dynamodb-streams/test-support.js';
import { sandboxClient } from '../test-support.js';
import { pointParametersAtV2, refresh } from './fleet.fixture.js';
import {
  checkAcknowledgedSessionWrites,
  sameSessionItem,
  type AcknowledgedSessionWrite,
  type SessionAttributes,
} from './index.js';

/*
 * The fleet's session load on the lab's DynamoDB: every serving instance writes session items to the
 * table its parameters name, through the sandbox's endpoint, so that each acknowledged write is in the
 * table and in its stream; the check catches an item that is not as logged; a refresh to parameters
 * naming v2 moves the writes there; stopWriteLoad leaves nothing in flight.
 */

let lab: Lab;
let dynamo: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let primaryAsg: AutoScalingClient;
let drAsg: AutoScalingClient;
let ssm: SSMClient;

beforeAll(async () => {
  lab = await startLab();
  const { sandbox, config } = lab;
  dynamo = sandboxClient(DynamoDBClient, sandbox, config.regions.primary);
  streams = sandboxClient(DynamoDBStreamsClient, sandbox, config.regions.primary);
  primaryAsg = sandboxClient(AutoScalingClient, sandbox, config.regions.primary);
  drAsg = sandboxClient(AutoScalingClient, sandbox, config.regions.dr);
  ssm = sandboxClient(SSMClient, sandbox, config.regions.primary);
}, 120_000);

afterAll(async () => {
  await lab?.sandbox.fleet.stopWriteLoad();
  for (const client of [dynamo, streams, primaryAsg, drAsg, ssm]) client?.destroy();
  await lab?.stop();
});

const fleet = () => lab.sandbox.fleet;

async function until(what: string, ready: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

const ops = (writes: AcknowledgedSessionWrite[]) => new Set(writes.map((w) => w.op));

/** The stream records of the fleet's items in `table` (primary Region), in stream order. */
async function fleetRecords(table: string): Promise<_Record[]> {
  const { Streams } = await streams.send(new ListStreamsCommand({ TableName: table }));
  expect(Streams).toHaveLength(1);
  const records = await readStream(streams, Streams![0]!.StreamArn!);
  return records.filter((r) => r.dynamodb?.Keys?.['session_id']?.S?.startsWith('fleet-'));
}

/** Groups by key, keeping order: the writes of one key and the records of one key line up one to one. */
function byKey<T>(list: T[], keyOf: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of list) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), item]);
  return map;
}

function groupOf(region: string, name: string) {
  const group = lab.sandbox.world.region(region).autoScalingGroups.get(name);
  if (!group) throw new Error(`no group ${name} in ${region}`);
  return group;
}

const EVENT = { put: 'INSERT', update: 'MODIFY', delete: 'REMOVE' } as const;

test('while the parameters name v1, every serving instance writes its sessions to v1 in the primary Region, each as logged', async () => {
  const { config, sandbox } = lab;
  expect(fleet().sessionLoadStats()).toEqual({
    acknowledged: 0,
    failed: 0,
    inDoubt: 0,
    lastErrors: [],
    byTable: {},
  });
  fleet().startWriteLoad({ writesPerSecond: 10 });
  await until(
    'puts, updates and deletes are acknowledged',
    () => ops(fleet().acknowledgedSessionWrites()).size === 3 && fleet().sessionLoadStats().acknowledged > 60,
  );
  await fleet().stopWriteLoad();

  const writes = fleet().acknowledgedSessionWrites();
  const stats = fleet().sessionLoadStats();
  expect(stats).toMatchObject({ failed: 0, inDoubt: 0, lastErrors: [] });
  expect(stats.byTable).toEqual({ [config.v1.table]: stats.acknowledged });
  expect(writes.map((w) => w.write)).toEqual(writes.map((_, i) => i + 1));
  // Stopped means stopped: nothing is logged once stopWriteLoad() resolved.
  await sleep(300);
  expect(fleet().acknowledgedSessionWrites()).toHaveLength(writes.length);

  // All four instances (two groups of two), the DR group's too, wrote v1's table in the primary Region.
  expect(new Set(writes.map((w) => w.instanceId)).size).toBe(4);
  expect(new Set(writes.map((w) => w.group))).toEqual(
    new Set([config.autoScalingGroups.primary, config.autoScalingGroups.dr]),
  );
  expect(new Set(writes.map((w) => `${w.table} ${w.region}`))).toEqual(
    new Set([`${config.v1.table} ${config.regions.primary}`]),
  );
  // Each instance writes keys of its own; an update leaves the item's next version, a delete no item.
  for (const w of writes) expect(w.key).toMatch(new RegExp(`^fleet-${w.instanceId}-\\d+$`));
  const update = writes.find((w) => w.op === 'update')!;
  expect(Number(update.item!['version']!.N)).toBeGreaterThan(1);
  expect(update.item!['data']!.M!['last_seen']!.N).toMatch(/^\d+$/);
  const put = writes.find((w) => w.op === 'put')!;
  expect(put.item).toMatchObject({
    session_id: { S: put.key },
    user_id: { S: expect.stringMatching(/^user-/) },
    version: { N: '1' },
    expires_at: { N: expect.stringMatching(/^\d+$/) },
    data: { M: { cart: { L: [{ M: expect.any(Object) }] } } },
  });
  for (const w of writes.filter((x) => x.op === 'delete')) expect(w.item).toBeNull();

  const check = await checkAcknowledgedSessionWrites(dynamo, config.v1.table, writes);
  expect(check.missing).toEqual([]);
  expect(check.checked).toBe(new Set(writes.map((w) => w.key)).size);
  // v2 holds none of them (no instance points at it): every key not deleted at the end is missing there.
  const onV2 = await checkAcknowledgedSessionWrites(dynamo, config.v2.table, writes);
  const live = [...new Map(writes.map((w) => [w.key, w])).values()].filter((w) => w.op !== 'delete');
  expect(onV2.missing).toHaveLength(live.length);
  for (const line of onV2.missing)
    expect(line).toMatch(/: expected \{.*\} \((put|update) by .*\), found no item$/);

  // The fleet's calls are in the request log, credited to no action (no toolkit token in the user agent).
  const fleetCalls = sandbox
    .calls('dynamodb')
    .filter((c) => ['PutItem', 'UpdateItem', 'DeleteItem'].includes(c.operation));
  expect(fleetCalls.length).toBeGreaterThanOrEqual(writes.length);
  expect(fleetCalls.filter((c) => c.caller !== undefined)).toEqual([]);
});

test("every acknowledged write is one record of v1's stream, with the images it left", async () => {
  const { config } = lab;
  const writes = fleet().acknowledgedSessionWrites();
  const records = await fleetRecords(config.v1.table);
  // Every write of the mix changes its item (puts of new keys, conditional updates and deletes).
  expect(records).toHaveLength(writes.length);
  const recordsByKey = byKey(records, (r) => r.dynamodb!.Keys!['session_id']!.S!);
  const writesByKey = byKey(writes, (w) => w.key);
  expect(new Set(recordsByKey.keys())).toEqual(new Set(writesByKey.keys()));
  for (const [key, keyWrites] of writesByKey) {
    const keyRecords = recordsByKey.get(key)!;
    expect(keyRecords.map((r) => r.eventName)).toEqual(keyWrites.map((w) => EVENT[w.op]));
    keyWrites.forEach((w, i) => {
      const { NewImage, OldImage } = keyRecords[i]!.dynamodb!;
      if (w.item) expect(sameSessionItem(NewImage as SessionAttributes, w.item)).toBe(true);
      else expect(NewImage).toBeUndefined();
      // The old image is what the key's previous write left.
      const previous = keyWrites[i - 1]?.item;
      if (previous) expect(sameSessionItem(OldImage as SessionAttributes, previous)).toBe(true);
      else expect(OldImage).toBeUndefined();
    });
  }
});

test('the check names an item deleted, changed or brought back behind the load', async () => {
  const { config } = lab;
  const writes = fleet().acknowledgedSessionWrites();
  const last = [...new Map(writes.map((w) => [w.key, w])).values()];
  const [gone, changed] = last.filter((w) => w.op !== 'delete');
  const deleted = last.find((w) => w.op === 'delete')!;
  const table = config.v1.table;
  const key = (k: string) => ({ session_id: { S: k } });
  await dynamo.send(new DeleteItemCommand({ TableName: table, Key: key(gone!.key) }));
  await dynamo.send(
    new UpdateItemCommand({
      TableName: table,
      Key: key(changed!.key),
      UpdateExpression: 'SET user_id = :u',
      ExpressionAttributeValues: { ':u': { S: 'changed by hand' } },
    }),
  );
  await dynamo.send(
    new PutItemCommand({ TableName: table, Item: { ...key(deleted.key), user_id: { S: 'brought back' } } }),
  );

  const check = await checkAcknowledgedSessionWrites(dynamo, table, writes);
  expect(check.checked).toBe(last.length);
  expect(check.missing).toHaveLength(3);
  const by = (w: AcknowledgedSessionWrite) =>
    `${w.op} by ${w.instanceId} on ${table} in ${config.regions.primary} at ${w.at.toISOString()}`;
  expect(check.missing).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        new RegExp(
          `^session_id ${gone!.key}: expected \\{.*"session_id":\\{"S":"${gone!.key}"\\}.* \\(${escape(by(gone!))}\\), found no item$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^session_id ${changed!.key}: expected .* \\(${escape(by(changed!))}\\), found .*"changed by hand"`,
        ),
      ),
      `session_id ${deleted.key}: expected no item (${by(deleted)}), found {"session_id":{"S":${JSON.stringify(deleted.key)}},"user_id":{"S":"brought back"}}`,
    ]),
  );

  // Put back as logged, the items pass again (and the instances, which still hold these keys, find
  // them as they left them).
  await dynamo.send(new PutItemCommand({ TableName: table, Item: gone!.item! }));
  await dynamo.send(new PutItemCommand({ TableName: table, Item: changed!.item! }));
  await dynamo.send(new DeleteItemCommand({ TableName: table, Key: key(deleted.key) }));
  expect((await checkAcknowledgedSessionWrites(dynamo, table, writes)).missing).toEqual([]);
});

/** The stream records the check test made by hand on v1: three changes, three restores. */
const HAND_RECORDS = 6;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('a refresh to parameters that name v2 moves the writes to the v2 table', async () => {
  const { config } = lab;
  const before = fleet().sessionLoadStats();
  const from = before.acknowledged;
  fleet().startWriteLoad({ writesPerSecond: 10 });
  await pointParametersAtV2(lab, ssm);
  const [primary, dr] = await Promise.all([
    refresh(primaryAsg, config.autoScalingGroups.primary),
    refresh(drAsg, config.autoScalingGroups.dr),
  ]);
  expect([primary.Status, dr.Status]).toEqual(['Successful', 'Successful']);
  const serving = [
    ...fleet().instancesOf(groupOf(config.regions.primary, config.autoScalingGroups.primary)),
    ...fleet().instancesOf(groupOf(config.regions.dr, config.autoScalingGroups.dr)),
  ].map((i) => i.id);
  expect(serving).toHaveLength(4);
  const v2Writers = () =>
    new Set(
      fleet()
        .acknowledgedSessionWrites()
        .filter((w) => w.table === config.v2.table)
        .map((w) => w.instanceId),
    );
  await until('every new instance writes v2', () => serving.every((id) => v2Writers().has(id)));
  await until('v2 takes writes', () => (fleet().sessionLoadStats().byTable[config.v2.table] ?? 0) > 20);
  await fleet().stopWriteLoad();

  // The old instances finished their writes before they were terminated: none failed.
  const stats = fleet().sessionLoadStats();
  expect(stats.failed).toBe(before.failed);
  const writes = fleet()
    .acknowledgedSessionWrites()
    .filter((w) => w.write > from);
  const onV1 = writes.filter((w) => w.table === config.v1.table);
  const onV2 = writes.filter((w) => w.table === config.v2.table);
  expect(onV1.length + onV2.length).toBe(writes.length);
  expect(new Set(onV2.map((w) => w.region))).toEqual(new Set([config.regions.primary]));
  // Each instance writes one table only: the new ones v2's, the old ones (gone now) v1's.
  for (const w of onV2) expect(onV1.some((o) => o.instanceId === w.instanceId)).toBe(false);
  expect(new Set(onV2.map((w) => w.instanceId))).toEqual(new Set(serving));

  const v2Check = await checkAcknowledgedSessionWrites(dynamo, config.v2.table, onV2);
  expect(v2Check.missing).toEqual([]);
  expect(v2Check.checked).toBeGreaterThan(0);
  const v1Check = await checkAcknowledgedSessionWrites(dynamo, config.v1.table, onV1);
  expect(v1Check.missing).toEqual([]);
  // Nothing copies v1's items to v2 here: the check says so, naming them.
  const puts = onV1.filter((w) => w.op === 'put');
  if (puts.length > 0) {
    const across = await checkAcknowledgedSessionWrites(dynamo, config.v2.table, puts);
    expect(across.missing.length).toBeGreaterThan(0);
  }
  // v2's stream has one record per write made to it.
  expect(await fleetRecords(config.v2.table)).toHaveLength(onV2.length);
});

test('stopWriteLoad leaves nothing in flight: the streams hold no fleet record the log lacks', async () => {
  const { config } = lab;
  fleet().startWriteLoad({ writesPerSecond: 100 });
  const from = fleet().sessionLoadStats().acknowledged;
  await until('writes are acknowledged', () => fleet().sessionLoadStats().acknowledged > from + 250);
  await fleet().stopWriteLoad();
  const stats = fleet().sessionLoadStats();
  const writes = fleet().acknowledgedSessionWrites();
  const v1Records = await fleetRecords(config.v1.table);
  const v2Records = await fleetRecords(config.v2.table);
  // One record per acknowledged write, besides those the check test made by hand on v1.
  expect(v1Records.length - HAND_RECORDS).toBe(writes.filter((w) => w.table === config.v1.table).length);
  expect(v2Records).toHaveLength(writes.filter((w) => w.table === config.v2.table).length);
  // More keys than one BatchGetItem reads: the check reads them 100 at a time.
  const v2Check = await checkAcknowledgedSessionWrites(
    dynamo,
    config.v2.table,
    writes.filter((w) => w.table === config.v2.table),
  );
  expect(v2Check.missing).toEqual([]);
  expect(v2Check.checked).toBeGreaterThan(100);
  await sleep(300);
  expect(fleet().sessionLoadStats()).toEqual(stats);
  expect(await fleetRecords(config.v2.table)).toHaveLength(v2Records.length);
});

test('a write the table refuses is counted with its message, never logged; the instances go on trying', async () => {
  const { config } = lab;
  const before = fleet().sessionLoadStats();
  await ssm.send(
    new PutParameterCommand({
      Name: config.parameters.dynamodbTable,
      Type: 'String',
      Value: 'no-such-sessions-table',
      Overwrite: true,
    }),
  );
  const outcome = await refresh(primaryAsg, config.autoScalingGroups.primary);
  expect(outcome.Status).toBe('Successful');
  fleet().startWriteLoad({ writesPerSecond: 10 });
  await until('writes fail', () => fleet().sessionLoadStats().failed > before.failed + 10);
  await fleet().stopWriteLoad();
  const stats = fleet().sessionLoadStats();
  expect(stats.inDoubt).toBe(before.inDoubt);
  expect(stats.byTable['no-such-sessions-table']).toBeUndefined();
  expect(
    fleet()
      .acknowledgedSessionWrites()
      .some((w) => w.table === 'no-such-sessions-table'),
  ).toBe(false);
  const refused = stats.lastErrors.filter((e) => e.includes('no-such-sessions-table'));
  expect(refused.length).toBeGreaterThan(0);
  for (const error of refused) {
    expect(error).toMatch(
      new RegExp(
        `^i-[0-9a-f]{17} on no-such-sessions-table in ${config.regions.primary}: ResourceNotFoundException: `,
      ),
    );
  }
});

test('loading a scenario stops the load and clears the session log and counts', async () => {
  fleet().startWriteLoad({ writesPerSecond: 10 });
  await lab.load('guide-world');
  expect(fleet().acknowledgedSessionWrites()).toEqual([]);
  expect(fleet().sessionLoadStats()).toEqual({
    acknowledged: 0,
    failed: 0,
    inDoubt: 0,
    lastErrors: [],
    byTable: {},
  });
});
