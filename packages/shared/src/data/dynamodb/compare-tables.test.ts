import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { Sandbox } from '@dbmig/sandbox';
import type { AttributeMap } from './attribute-json.js';
import { compareTables } from './compare-tables.js';
import { createTable, mixedItem, sandboxDynamoDb, seed } from './sandbox.fixture.js';

const REGION = 'us-east-1';
const ITEMS = 300;

let sandbox: Sandbox;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  dynamo = sandboxDynamoDb(sandbox, REGION);
  await createTable(dynamo, 'parity-v1');
  await seed(dynamo, 'parity-v1', items());
});

afterAll(async () => {
  dynamo.destroy();
  await sandbox.stop();
});

function items(): AttributeMap[] {
  return Array.from({ length: ITEMS }, (_, i) => mixedItem(i));
}

let tableCount = 0;
/** A v2 table holding `content` (by default, the same items as v1). */
async function v2Table(content: AttributeMap[] = items()): Promise<string> {
  const name = `parity-v2-${++tableCount}`;
  await createTable(dynamo, name);
  await seed(dynamo, name, content);
  return name;
}

function compare(v2: string, maxDifferencesListed?: number) {
  return compareTables({
    v1: { client: dynamo, table: 'parity-v1' },
    v2: { client: dynamo, table: v2 },
    segments: 4,
    ...(maxDifferencesListed === undefined ? {} : { maxDifferencesListed }),
  });
}

/** The same item with its sets and maps written in another order (dynalite keeps the order it is given). */
function reordered(item: AttributeMap): AttributeMap {
  const reversedMap = (map: AttributeMap): AttributeMap => Object.fromEntries(Object.entries(map).reverse());
  return reversedMap({
    ...item,
    tags: { SS: [...item['tags']!.SS!].reverse() },
    scores: { NS: [...item['scores']!.NS!].reverse() },
    blobs: { BS: [...item['blobs']!.BS!].reverse() },
    profile: { M: reversedMap(item['profile']!.M!) },
  });
}

describe('compareTables', () => {
  test('equal tables are equal, counted by Scan, with equal digests', async () => {
    const v2 = await v2Table();
    const result = await compare(v2);
    expect(result).toMatchObject({
      v1Items: ITEMS,
      v2Items: ITEMS,
      equal: true,
      differences: [],
      moreDifferences: false,
    });
    expect(result.v1Digest).toMatch(/^[0-9a-f]{64}$/);
    expect(result.v2Digest).toBe(result.v1Digest);
  });

  test('the order of set members and map keys alone does not fail parity', async () => {
    const v2 = await v2Table(items().map(reordered));
    // The items really are stored in another order, or the check below would prove nothing.
    const key = { pk: { S: 'session-000000' } };
    const [left, right] = await Promise.all(
      ['parity-v1', v2].map((table) => dynamo.send(new GetItemCommand({ TableName: table, Key: key }))),
    );
    expect(right!.Item!['tags']!.SS).toEqual([...left!.Item!['tags']!.SS!].reverse());
    expect(Object.keys(right!.Item!['profile']!.M!)).toEqual(
      Object.keys(left!.Item!['profile']!.M!).reverse(),
    );
    expect((await compare(v2)).equal).toBe(true);
  });

  test('one changed attribute fails parity and names the key', async () => {
    const changed = items();
    changed[17] = { ...changed[17]!, big: { N: '99999999999999999999999999999999999998' } };
    const result = await compare(await v2Table(changed));
    expect(result.equal).toBe(false);
    expect(result.v1Items).toBe(result.v2Items);
    expect(result.differences).toEqual([
      { key: { pk: { S: 'session-000017' } }, keyText: 'pk=S:"session-000017"', kind: 'changed' },
    ]);
    expect(result.moreDifferences).toBe(false);
  });

  test('one missing item and one extra item each fail parity and are named', async () => {
    const v2 = await v2Table();
    await dynamo.send(new DeleteItemCommand({ TableName: v2, Key: { pk: { S: 'session-000042' } } }));
    await dynamo.send(new PutItemCommand({ TableName: v2, Item: mixedItem(ITEMS + 5) }));
    const result = await compare(v2);
    expect(result.equal).toBe(false);
    // Equal counts: a count-only check would have passed.
    expect([result.v1Items, result.v2Items]).toEqual([ITEMS, ITEMS]);
    expect(result.differences.map((d) => [d.keyText, d.kind])).toEqual([
      ['pk=S:"session-000042"', 'missing-on-v2'],
      ['pk=S:"session-000305"', 'extra-on-v2'],
    ]);
  });

  test.each<[string, (item: AttributeMap) => AttributeMap]>([
    [
      'a string "1" where v1 has the number 1',
      (item) => ({ ...item, history: { L: [{ N: '1' }, ...item['history']!.L!.slice(1)] } }),
    ],
    [
      'list elements in another order',
      (item) => ({ ...item, history: { L: [...item['history']!.L!].reverse() } }),
    ],
    [
      'a binary value one byte different',
      (item) => ({ ...item, data: { B: new Uint8Array([0, 255, 3, 0, 1]) } }),
    ],
    [
      'a number set with one more digit of precision',
      (item) => ({
        ...item,
        scores: { NS: ['10', '-3.5', '3.25', '1234567890123456789012345678901234567.8'] },
      }),
    ],
    ['NULL where v1 has false', (item) => ({ ...item, active: { NULL: true } })],
    [
      'an empty map where v1 has an empty list',
      (item) => ({
        ...item,
        history: { L: [...item['history']!.L!.slice(0, 5), { M: {} }] },
      }),
    ],
  ])('%s is a difference', async (_, change) => {
    const v2 = await v2Table();
    await dynamo.send(new PutItemCommand({ TableName: v2, Item: change(mixedItem(3)) }));
    const result = await compare(v2);
    expect(result.equal).toBe(false);
    expect(result.differences).toEqual([
      expect.objectContaining({ keyText: 'pk=S:"session-000003"', kind: 'changed' }),
    ]);
  });

  test('lists at most maxDifferencesListed keys and says there are more', async () => {
    const changed = items().map((item, i) =>
      i % 10 === 0 ? { ...item, active: { BOOL: !item['active']!.BOOL } } : item,
    );
    const result = await compare(await v2Table(changed), 5);
    expect(result.equal).toBe(false);
    expect(result.differences).toHaveLength(5);
    expect(result.differences.every((d) => d.kind === 'changed')).toBe(true);
    expect(result.moreDifferences).toBe(true);
  });

  test('an empty v2 table: every key missing, the count says how many', async () => {
    const result = await compare(await v2Table([]), 3);
    expect(result).toMatchObject({ v1Items: ITEMS, v2Items: 0, equal: false, moreDifferences: true });
    expect(result.differences.map((d) => d.kind)).toEqual([
      'missing-on-v2',
      'missing-on-v2',
      'missing-on-v2',
    ]);
  });

  test('tables with different keys are refused, naming both keys', async () => {
    await createTable(dynamo, 'parity-range-v2', true);
    await expect(compare('parity-range-v2')).rejects.toThrow(
      'parity-v1 has the key (pk) and parity-range-v2 the key (pk, sk): items can only be compared by key',
    );
  });

  test('a missing table is refused, naming it', async () => {
    await expect(compare('parity-absent')).rejects.toThrow('The DynamoDB table parity-absent was not found');
  });
});
