import {
  CreateTableCommand,
  DynamoDBClient,
  paginateScan,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { Sandbox } from '../server.js';
import { sandboxClient } from '../test-support.js';
import { seedSessions, sessionItem, type SessionItem } from './sessions-data.js';

let sandbox: Sandbox;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  dynamodb = sandboxClient(DynamoDBClient, sandbox, 'us-east-1', { maxAttempts: 8 });
});

afterAll(async () => {
  dynamodb?.destroy();
  await sandbox?.stop();
});

afterEach(() => sandbox.faults.clear());

async function createTable(name: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'session_id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'session_id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

async function scanAll(table: string): Promise<SessionItem[]> {
  const items: SessionItem[] = [];
  for await (const page of paginateScan({ client: dynamodb }, { TableName: table }))
    items.push(...(page.Items ?? []));
  return items;
}

/**
 * A number as a plain decimal without redundant zeros: DynamoDB (and dynalite) store the value, not the
 * text, and answer `1E-130` written out. Two texts of one value give one result.
 */
function canonicalNumber(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new Error(`not a number: ${text}`);
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  // Position of the decimal point relative to the start of `digits`.
  const leadingZeros = `${whole}${fraction}`.length - digits.length;
  const point = whole.length - leadingZeros + Number(exponent);
  const trimmed = digits.replace(/0+$/, '');
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${trimmed}`;
  else if (point >= trimmed.length) out = `${trimmed}${'0'.repeat(point - trimmed.length)}`;
  else out = `${trimmed.slice(0, point)}.${trimmed.slice(point)}`;
  return `${sign}${out}`;
}

/** An AttributeValue in a form where equal values are equal: numbers canonical, sets sorted, bytes as hex. */
function canonical(value: AttributeValue): unknown {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: canonicalNumber(value.N) };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('hex') };
  if (value.SS !== undefined) return { SS: [...value.SS].sort() };
  if (value.NS !== undefined) return { NS: value.NS.map(canonicalNumber).sort() };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('hex')).sort() };
  if (value.M !== undefined) return { M: canonicalItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(canonical) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new Error(`unexpected attribute value ${JSON.stringify(value)}`);
}

function canonicalItem(item: SessionItem): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(item)
      .sort()
      .map((key) => [key, canonical(item[key]!)]),
  );
}

/** Every type tag used anywhere in an item, nested ones included. */
function typesIn(value: AttributeValue, found = new Set<string>()): Set<string> {
  for (const [tag, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    found.add(tag);
    if (tag === 'M') for (const v of Object.values(inner as SessionItem)) typesIn(v, found);
    if (tag === 'L') for (const v of inner as AttributeValue[]) typesIn(v, found);
  }
  return found;
}

function significantDigits(text: string): number {
  const mantissa = text
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

describe('canonicalNumber (test helper)', () => {
  test.each([
    ['1E-130', `0.${'0'.repeat(129)}1`],
    ['-1.5E+3', '-1500'],
    ['0012.3400', '12.34'],
    ['0.000', '0'],
    ['1.5e-1', '0.15'],
  ])('%s → %s', (text, expected) => expect(canonicalNumber(text)).toBe(expected));
});

describe('sessionItem', () => {
  test('is a function of its index, and carries every DynamoDB type and the number extremes', () => {
    expect(sessionItem(7)).toEqual(sessionItem(7));
    expect(sessionItem(7)).not.toEqual(sessionItem(8));
    const types = new Set<string>();
    for (let i = 0; i < 10; i++) for (const v of Object.values(sessionItem(i))) typesIn(v, types);
    expect([...types].sort()).toEqual(['B', 'BOOL', 'BS', 'L', 'M', 'N', 'NS', 'NULL', 'S', 'SS']);
    const item = sessionItem(3);
    expect(significantDigits(item.balance!.N!)).toBe(38);
    expect(item.tiny!.N).toMatch(/E-130$/);
    expect(item.huge!.N).toBe('9.9999999999999999999999999999999999999E+125');
    expect(significantDigits(item.huge!.N!)).toBe(38);
  });
});

describe('seedSessions', () => {
  test('puts the items with BatchWriteItem, exactly as sessionItem says', async () => {
    await createTable('sessions-seed');
    await seedSessions(dynamodb, 'sessions-seed', { items: 240 });
    const items = await scanAll('sessions-seed');
    expect(items).toHaveLength(240);
    const byId = new Map(items.map((item) => [item.session_id!.S!, item]));
    for (let i = 0; i < 240; i++) {
      const expected = sessionItem(i);
      expect(canonicalItem(byId.get(expected.session_id!.S!)!)).toEqual(canonicalItem(expected));
    }
    // The 38 digits came back, not a double's 17.
    expect(byId.get('session-0000003')!.balance!.N).toBe(sessionItem(3).balance!.N);
  });

  test('resends UnprocessedItems until none is left', async () => {
    await createTable('sessions-pressure');
    sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 0.5 }], 7);
    const before = sandbox.faults.unprocessedInjected;
    await seedSessions(dynamodb, 'sessions-pressure', { items: 200 });
    expect(sandbox.faults.unprocessedInjected).toBeGreaterThan(before);
    sandbox.faults.clear();
    const ids = (await scanAll('sessions-pressure')).map((item) => item.session_id!.S!).sort();
    expect(ids).toEqual(Array.from({ length: 200 }, (_, i) => sessionItem(i).session_id!.S!).sort());
  });

  test('refuses a count that is not a whole number of items', async () => {
    await expect(seedSessions(dynamodb, 'sessions-seed', { items: -1 })).rejects.toThrow(
      /items must be an integer from 0/,
    );
    await expect(seedSessions(dynamodb, 'sessions-seed', { items: 2.5 })).rejects.toThrow(/got 2\.5/);
  });
});
