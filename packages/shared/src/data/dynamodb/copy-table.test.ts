import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Sandbox } from '@dbmig/sandbox';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { CheckpointMismatchError, type Checkpoint, type CheckpointStore } from './checkpoint.js';
import { compareTables } from './compare-tables.js';
import { CopyAbortedError, DynamoDbCopyError } from './copy-errors.js';
import { copyTable, type CopyTableOptions } from './copy-table.js';
import { createTable, mixedItem, readAll, sandboxDynamoDb, sandboxSsm, seed } from './sandbox.fixture.js';
import { ssmCheckpointStore } from './ssm-checkpoint-store.js';

const REGION = 'us-east-1';
const ITEMS = 2000;
/** A smaller v1 table for the tests that copy it more than once or page it finely. */
const SMALL = 400;
/** Backoff for UnprocessedItems that keeps the tests quick; the policy is the same, only the scale differs. */
const FAST_BACKOFF = { baseMs: 1, capMs: 20 };

let sandbox: Sandbox;
let dynamo: DynamoDBClient;
let ssm: SSMClient;
let lines: string[];

beforeAll(async () => {
  sandbox = await Sandbox.start();
  dynamo = sandboxDynamoDb(sandbox, REGION);
  ssm = sandboxSsm(sandbox, REGION);
  await createTable(dynamo, 'sessions-v1');
  await seed(
    dynamo,
    'sessions-v1',
    Array.from({ length: ITEMS }, (_, i) => mixedItem(i)),
  );
  await createTable(dynamo, 'one-item-v1');
  await seed(dynamo, 'one-item-v1', [mixedItem(1)]);
  await createTable(dynamo, 'sessions-small-v1');
  await seed(
    dynamo,
    'sessions-small-v1',
    Array.from({ length: SMALL }, (_, i) => mixedItem(i)),
  );
});

afterAll(async () => {
  dynamo.destroy();
  ssm.destroy();
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.faults.clear();
  lines = [];
});

let tableCount = 0;
/** A fresh, empty v2 table per test. */
async function freshTarget(): Promise<string> {
  const name = `sessions-v2-${++tableCount}`;
  await createTable(dynamo, name);
  return name;
}

function options(target: string, overrides: Partial<CopyTableOptions> = {}): CopyTableOptions {
  return {
    source: { client: dynamo, table: 'sessions-v1' },
    target: { client: dynamo, table: target },
    backoff: FAST_BACKOFF,
    log: (line) => lines.push(line),
    ...overrides,
  };
}

async function expectIdentical(target: string, source = 'sessions-v1', count = ITEMS): Promise<void> {
  const parity = await compareTables({
    v1: { client: dynamo, table: source },
    v2: { client: dynamo, table: target },
  });
  expect(parity).toMatchObject({ v1Items: count, v2Items: count, equal: true, differences: [] });
  // Beyond the digest: every item is deep-equal, byte for byte, set members in the order they were written.
  expect(await readAll(dynamo, target)).toEqual(await readAll(dynamo, source));
}

function smallSource(): CopyTableOptions['source'] {
  return { client: dynamo, table: 'sessions-small-v1' };
}

async function parameterExists(name: string): Promise<boolean> {
  return ssm.send(new GetParameterCommand({ Name: name })).then(
    () => true,
    (error: Error) => {
      if (error.name !== 'ParameterNotFound') throw error;
      return false;
    },
  );
}

describe('copyTable', () => {
  test('copies every item exactly: 38-digit numbers, binary, sets, maps, lists', async () => {
    const target = await freshTarget();
    const result = await copyTable(options(target));
    expect(result).toMatchObject({ items: ITEMS, segments: 8, resumed: false });
    await expectIdentical(target);
    const { Item: copied } = await dynamo.send(
      new GetItemCommand({ TableName: target, Key: { pk: { S: 'session-000007' } } }),
    );
    expect(copied?.['big']).toEqual({ N: '99999999999999999999999999999999999997' });
    expect(copied?.['decimal']).toEqual({ N: '1.2345678901234567890123456789012345677' });
    expect(copied?.['data']?.B).toEqual(new Uint8Array([0, 255, 7, 0, 0]));
    expect(lines[0]).toBe(
      'Copying sessions-v1 → ' + target + ': 8 Scan segments, 16 concurrent writers, no rate limit',
    );
    expect(lines.at(-1)).toMatch(/^Copied sessions-v1 → sessions-v2-\d+: 2000 items/);
  });

  test('loses nothing when 20 % of BatchWriteItem calls leave items unprocessed and some are throttled', async () => {
    const target = await freshTarget();
    sandbox.faults.set(
      [{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 0.2, throttleRate: 0.05 }],
      2026,
    );
    // The SDK retries throttling (here without its delay); the copy resends UnprocessedItems itself.
    const writer = sandboxDynamoDb(sandbox, REGION, {
      retryStrategy: new ConfiguredRetryStrategy(4, () => 0),
    });
    try {
      const result = await copyTable(options(target, { target: { client: writer, table: target } }));
      expect(result.items).toBe(ITEMS);
    } finally {
      writer.destroy();
    }
    // The pressure really happened, on both paths.
    expect(sandbox.faults.unprocessedInjected).toBeGreaterThan(10);
    expect(sandbox.faults.injected.throttle).toBeGreaterThan(2);
    expect(lines.at(-1)).toMatch(/[1-9]\d* batch resends/);
    sandbox.faults.clear();
    await expectIdentical(target);
  });

  test('throttling that outlives the SDK retries is backed off like unprocessed items', async () => {
    const target = await freshTarget();
    // One attempt per call: every throttle and ProvisionedThroughputExceededException reaches the copy.
    sandbox.faults.set(
      [{ operation: 'dynamodb:BatchWriteItem', throttleRate: 0.2, unprocessedRate: 0.2 }],
      7,
    );
    await copyTable(options(target, { source: smallSource() }));
    expect(sandbox.faults.injected.throttle).toBeGreaterThan(2);
    sandbox.faults.clear();
    await expectIdentical(target, 'sessions-small-v1', SMALL);
  });

  test('stopped midway, then re-run with the same checkpoint: continues from the positions and ends identical', async () => {
    const target = await freshTarget();
    const parameter = `/dbmig/dev/copy-${target}`;
    const store = ssmCheckpointStore(ssm, parameter);
    const controller = new AbortController();
    let saves = 0;
    // Stop once a few checkpoints were saved, the way a cancelled job stops.
    const stopping: CheckpointStore = {
      location: store.location!,
      load: () => store.load(),
      clear: () => store.clear(),
      save: async (checkpoint) => {
        await store.save(checkpoint);
        if (++saves === 4) controller.abort();
      },
    };
    const first = copyTable(
      options(target, {
        source: smallSource(),
        checkpoint: stopping,
        checkpointIntervalMs: 0,
        pageSize: 10,
        concurrency: 2,
        segments: 4,
        signal: controller.signal,
      }),
    );
    const stopped = await first.catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(CopyAbortedError);
    expect((stopped as Error).message).toMatch(
      /was stopped; \d+ items written in this run, positions saved to SSM parameter/,
    );

    const saved = (await store.load())!;
    expect(saved).toMatchObject({ sourceTable: 'sessions-small-v1', targetTable: target, totalSegments: 4 });
    expect(saved.items).toBeGreaterThan(0);
    expect(saved.items).toBeLessThan(SMALL);
    expect(saved.segments.some((position) => position !== null && position !== 'done')).toBe(true);
    const before = (await readAll(dynamo, target)).length;
    expect(before).toBeLessThan(SMALL);

    const second = await copyTable(
      options(target, { source: smallSource(), checkpoint: store, pageSize: 10, segments: 4 }),
    );
    expect(second.resumed).toBe(true);
    // It scanned and wrote only what was left (plus at most the pages in flight when it stopped).
    expect(second.items).toBeLessThan(SMALL);
    expect(second.items).toBeGreaterThanOrEqual(SMALL - before);
    expect(lines.some((line) => /resuming from SSM parameter/.test(line))).toBe(true);
    await expectIdentical(target, 'sessions-small-v1', SMALL);
    // A finished copy clears its checkpoint: the next copy starts from the beginning.
    expect(await parameterExists(parameter)).toBe(false);
  });

  test('a checkpoint of another copy is refused before anything is written', async () => {
    const target = await freshTarget();
    const parameter = `/dbmig/dev/copy-other-${target}`;
    const other: Checkpoint = {
      version: 1,
      sourceTable: 'sessions-v1',
      targetTable: 'somewhere-else',
      totalSegments: 8,
      segments: Array.from({ length: 8 }, () => 'done' as const),
      items: 3000,
      savedAt: new Date().toISOString(),
    };
    await ssm.send(
      new PutParameterCommand({ Name: parameter, Value: JSON.stringify(other), Type: 'String' }),
    );
    const store = ssmCheckpointStore(ssm, parameter);

    const error = await copyTable(options(target, { checkpoint: store })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect((error as Error).message).toContain(
      `The checkpoint in SSM parameter ${parameter} is for a copy of sessions-v1 → somewhere-else in 8 segments, ` +
        `but this copy is sessions-v1 → ${target} in 8 segments.`,
    );
    // Another segmentation of the same tables is refused too: the positions would not fit.
    await store.save({ ...other, targetTable: target });
    const segments = await copyTable(options(target, { checkpoint: store, segments: 4 })).catch(
      (e: unknown) => e,
    );
    expect((segments as Error).message).toMatch(/in 8 segments, but this copy is .* in 4 segments/);
    expect(await readAll(dynamo, target)).toEqual([]);
    // Still there: refusing does not destroy the other copy's positions.
    expect(await parameterExists(parameter)).toBe(true);
  });

  test('a stored value that is not a checkpoint is refused with what to do', async () => {
    const target = await freshTarget();
    const parameter = `/dbmig/dev/not-a-checkpoint-${target}`;
    await ssm.send(new PutParameterCommand({ Name: parameter, Value: '{"hello":1}', Type: 'String' }));
    const error = await copyTable(options(target, { checkpoint: ssmCheckpointStore(ssm, parameter) })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect((error as Error).message).toMatch(
      new RegExp(`SSM parameter ${parameter} does not hold a DynamoDB copy checkpoint .*Delete it`),
    );
  });

  test('a batch that stays unprocessed past the deadline fails the copy, naming the table', async () => {
    const target = await freshTarget();
    // A batch of one item can only be kept back whole: ProvisionedThroughputExceededException every time.
    sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 1 }]);
    const error = await copyTable(
      options(target, { source: { client: dynamo, table: 'one-item-v1' }, unprocessedTimeoutMs: 50 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoDbCopyError);
    expect((error as DynamoDbCopyError).table).toBe(target);
    expect((error as Error).message).toMatch(
      new RegExp(`^1 items for ${target} stayed unprocessed by BatchWriteItem for \\d+ s: .* re-run`),
    );
  });

  test('a missing v2 table fails the copy with a message naming it', async () => {
    // A one-item source: the Scans the failure cuts short are done on the sandbox's side before it stops.
    const error = await copyTable(
      options('no-such-v2-table', { source: { client: dynamo, table: 'one-item-v1' } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoDbCopyError);
    expect((error as Error).message).toMatch(/^no-such-v2-table was not found .*dynamodb:BatchWriteItem/);
  });

  test('refuses a segment count the scan cannot use', async () => {
    await expect(copyTable(options('x-table', { segments: 0 }))).rejects.toThrow(
      'copyTable: segments must be a whole number from 1 to 1000, got 0',
    );
  });
});
