import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  paginateScan,
  type AttributeValue,
  type BatchWriteItemCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { FaultInjector } from '../../faults.js';
import { Sandbox } from '../../server.js';
import { failure, sandboxClient } from '../../test-support.js';

let sandbox: Sandbox;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  dynamo = sandboxClient(DynamoDBClient, sandbox, 'us-east-1');
});

afterAll(async () => {
  dynamo.destroy();
  await sandbox.stop();
});

afterEach(() => sandbox.faults.clear());

async function createTable(name: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

const put = (pk: string, extra: Record<string, AttributeValue> = {}): WriteRequest => ({
  PutRequest: { Item: { pk: { S: pk }, ...extra } },
});

/** Every key of the table (Scan pages stop at 1 MB, so all pages). */
async function keys(table: string): Promise<string[]> {
  const found: string[] = [];
  for await (const page of paginateScan({ client: dynamo }, { TableName: table, ConsistentRead: true })) {
    for (const item of page.Items ?? []) found.push(item.pk!.S!);
  }
  return found.sort();
}

/**
 * Sends the batch under `unprocessedRate: 1` until the answer is partial: a kept-back share that rounds
 * to the whole batch is ProvisionedThroughputExceededException (nothing written), which the seeded
 * sequence gives rarely; a few tries are enough.
 */
async function partialAnswer(
  requestItems: Record<string, WriteRequest[]>,
  seed: number,
): Promise<BatchWriteItemCommandOutput> {
  sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 1 }], seed);
  for (let attempt = 0; attempt < 5; attempt++) {
    const sent = await dynamo
      .send(new BatchWriteItemCommand({ RequestItems: requestItems }))
      .catch((error: Error) => error);
    if (!(sent instanceof Error)) return sent;
    expect(sent.name).toBe('ProvisionedThroughputExceededException');
  }
  throw new Error('no partial answer in 5 tries');
}

function pks(requests: WriteRequest[] | undefined): string[] {
  return (requests ?? []).map((r) => r.PutRequest!.Item!.pk!.S!);
}

describe('limits DynamoDB enforces', () => {
  test('a request over 16 MB is ValidationException (dynalite alone answers an unreadable 413)', async () => {
    await createTable('bw-oversized');
    // Each item is under 400 KB as DynamoDB counts it, but a quote takes two bytes in JSON: 25 of them
    // make a ~19.5 MB request.
    const quotes = '"'.repeat(390 * 1024);
    const requests = Array.from({ length: 25 }, (_, i) => put(`big-${i}`, { d: { S: quotes } }));
    const error = await failure(
      dynamo.send(new BatchWriteItemCommand({ RequestItems: { 'bw-oversized': requests } })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/exceeds the BatchWriteItem limit of 16777216 bytes/);
    expect(await keys('bw-oversized')).toEqual([]);
  });

  test('a request just under 16 MB is written', async () => {
    await createTable('bw-large');
    const requests = Array.from({ length: 25 }, (_, i) =>
      put(`big-${i}`, { d: { S: 'x'.repeat(390 * 1024) } }),
    );
    const { UnprocessedItems } = await dynamo.send(
      new BatchWriteItemCommand({ RequestItems: { 'bw-large': requests } }),
    );
    expect(UnprocessedItems).toEqual({});
    expect(await keys('bw-large')).toHaveLength(25);
  });

  test('duplicate keys in one batch are ValidationException and nothing is written', async () => {
    await createTable('bw-duplicates');
    const error = await failure(
      dynamo.send(
        new BatchWriteItemCommand({ RequestItems: { 'bw-duplicates': [put('a'), put('b'), put('a')] } }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/duplicates/);
    expect(await keys('bw-duplicates')).toEqual([]);
  });

  test('a batch naming a missing table is refused as a whole', async () => {
    await createTable('bw-present');
    const error = await failure(
      dynamo.send(
        new BatchWriteItemCommand({ RequestItems: { 'bw-present': [put('a')], 'bw-absent': [put('b')] } }),
      ),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(await keys('bw-present')).toEqual([]);
  });
});

describe('write pressure (unprocessedRate)', () => {
  test('part of the batch is written and the rest comes back as UnprocessedItems, ready to resend', async () => {
    await createTable('bw-partial');
    const all = Array.from({ length: 25 }, (_, i) => `k-${String(i).padStart(2, '0')}`);
    const before = sandbox.faults.unprocessedInjected;
    const answer = await partialAnswer({ 'bw-partial': all.map((pk) => put(pk)) }, 3);
    expect(sandbox.faults.unprocessedInjected).toBeGreaterThan(before);

    const unprocessed = pks(answer.UnprocessedItems?.['bw-partial']);
    expect(Object.keys(answer.UnprocessedItems ?? {})).toEqual(['bw-partial']);
    expect(unprocessed.length).toBeGreaterThan(0);
    expect(unprocessed.length).toBeLessThan(25);
    // What was written and what came back unprocessed are the batch, with no overlap.
    const written = await keys('bw-partial');
    expect(written.filter((pk) => unprocessed.includes(pk))).toEqual([]);
    expect([...written, ...unprocessed].sort()).toEqual(all);

    // UnprocessedItems has the shape of RequestItems: it can be sent back as it came.
    sandbox.faults.clear();
    const resent = await dynamo.send(new BatchWriteItemCommand({ RequestItems: answer.UnprocessedItems }));
    expect(resent.UnprocessedItems).toEqual({});
    expect(await keys('bw-partial')).toEqual(all);
  });

  test('requests for several tables come back grouped by table', async () => {
    await createTable('bw-multi-a');
    await createTable('bw-multi-b');
    const requestItems = {
      'bw-multi-a': Array.from({ length: 10 }, (_, i) => put(`a-${i}`)),
      'bw-multi-b': Array.from({ length: 10 }, (_, i) => put(`b-${i}`)),
    };
    const answer = await partialAnswer(requestItems, 11);
    const back = answer.UnprocessedItems ?? {};
    const total = (back['bw-multi-a']?.length ?? 0) + (back['bw-multi-b']?.length ?? 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(20);
    for (const table of ['bw-multi-a', 'bw-multi-b'] as const) {
      const written = await keys(table);
      expect([...written, ...pks(back[table])].sort()).toEqual(pks(requestItems[table]).sort());
    }
  });

  test('keeping back the whole batch is ProvisionedThroughputExceededException, and nothing is written', async () => {
    await createTable('bw-all-kept');
    // A batch of one can only be kept back whole.
    sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 1 }]);
    const error = await failure(
      dynamo.send(new BatchWriteItemCommand({ RequestItems: { 'bw-all-kept': [put('only')] } })),
    );
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(await keys('bw-all-kept')).toEqual([]);
  });

  test('the SDK retries ProvisionedThroughputExceededException as throttling', async () => {
    await createTable('bw-retried');
    // Two attempts, no delay: the second is answered in full once the pressure is gone.
    const retrying = sandboxClient(DynamoDBClient, sandbox, 'us-east-1', {
      retryStrategy: new ConfiguredRetryStrategy(2, () => {
        sandbox.faults.clear();
        return 0;
      }),
    });
    try {
      sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 1 }]);
      const answer = await retrying.send(
        new BatchWriteItemCommand({ RequestItems: { 'bw-retried': [put('only')] } }),
      );
      expect(answer.$metadata.attempts).toBe(2);
      expect(await keys('bw-retried')).toEqual(['only']);
    } finally {
      retrying.destroy();
    }
  });

  test('other operations ignore the rate, and throttling still applies to BatchWriteItem', async () => {
    await createTable('bw-other-ops');
    sandbox.faults.set([{ operation: 'dynamodb:*', unprocessedRate: 1 }]);
    const before = sandbox.faults.unprocessedInjected;
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: 'bw-other-ops' }));
    expect(Table?.TableName).toBe('bw-other-ops');
    expect(sandbox.faults.unprocessedInjected).toBe(before);

    sandbox.faults.set([{ operation: 'dynamodb:BatchWriteItem', throttleRate: 1, unprocessedRate: 0 }]);
    const error = await failure(
      dynamo.send(new BatchWriteItemCommand({ RequestItems: { 'bw-other-ops': [put('x')] } })),
    );
    expect(error.name).toBe('ThrottlingException');
  });
});

describe('FaultInjector unprocessedRate', () => {
  test('decides a kept-back share in (0, 1] for BatchWriteItem only, at about the configured rate', () => {
    const injector = new FaultInjector([{ operation: 'dynamodb:*', unprocessedRate: 0.2 }], 2026);
    const decisions = Array.from({ length: 5000 }, () => injector.decide('dynamodb', 'BatchWriteItem'));
    const partial = decisions.filter((d) => d.unprocessed !== undefined);
    expect(partial.length / decisions.length).toBeGreaterThan(0.17);
    expect(partial.length / decisions.length).toBeLessThan(0.23);
    expect(partial.every((d) => d.unprocessed! > 0 && d.unprocessed! <= 1 && d.fault === undefined)).toBe(
      true,
    );
    expect(injector.unprocessedInjected).toBe(partial.length);
    // Not an error kind: the throttle/5xx counters are untouched.
    expect(injector.injected).toEqual({ throttle: 0, 'server-error': 0 });

    expect(injector.decide('dynamodb', 'PutItem')).toEqual({ latencyMs: 0 });
  });

  test('shares one roll with throttling, so the rates add up', () => {
    const injector = new FaultInjector(
      [{ operation: 'dynamodb:BatchWriteItem', throttleRate: 0.1, unprocessedRate: 0.2 }],
      9,
    );
    const decisions = Array.from({ length: 5000 }, () => injector.decide('dynamodb', 'BatchWriteItem'));
    const throttled = decisions.filter((d) => d.fault === 'throttle').length / decisions.length;
    const partial = decisions.filter((d) => d.unprocessed !== undefined).length / decisions.length;
    expect(throttled).toBeGreaterThan(0.08);
    expect(throttled).toBeLessThan(0.12);
    expect(partial).toBeGreaterThan(0.17);
    expect(partial).toBeLessThan(0.23);
  });

  test('a rate outside 0..1 is refused, naming the rule', () => {
    expect(() => new FaultInjector([{ operation: 'dynamodb:BatchWriteItem', unprocessedRate: 1.2 }])).toThrow(
      'fault rule dynamodb:BatchWriteItem: unprocessedRate must be between 0 and 1, got 1.2',
    );
  });
});
