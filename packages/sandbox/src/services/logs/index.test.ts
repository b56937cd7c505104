import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { Sandbox } from '../../server.js';
import { expectError, sandboxClient } from '../../test-support.js';
import { PAGE_EVENTS, PAGE_SCANNED } from './filter-log-events.js';

const T0 = Date.parse('2026-03-04T05:00:00.000Z');
const MINUTE = 60_000;

let sandbox: Sandbox;
let east1: CloudWatchLogsClient;
let east2: CloudWatchLogsClient;
let groupCount = 0;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  east1 = sandboxClient(CloudWatchLogsClient, sandbox, 'us-east-1');
  east2 = sandboxClient(CloudWatchLogsClient, sandbox, 'us-east-2');
});

afterAll(async () => {
  east1.destroy();
  east2.destroy();
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.now = () => new Date(T0 + 60 * MINUTE);
});

/** A fresh group with one stream, so that tests do not see each other's events. */
async function newGroup(stream = 'app/i-0001'): Promise<string> {
  groupCount += 1;
  const name = `/aws/application/test-${groupCount}`;
  await east1.send(new CreateLogGroupCommand({ logGroupName: name }));
  await east1.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: stream }));
  return name;
}

async function put(group: string, stream: string, events: { timestamp: number; message: string }[]) {
  return east1.send(
    new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }),
  );
}

async function everything(
  input: FilterLogEventsCommandInput,
): Promise<{ events: FilteredLogEvent[]; pages: number }> {
  const events: FilteredLogEvent[] = [];
  let pages = 0;
  for await (const page of paginateFilterLogEvents({ client: east1 }, input)) {
    pages += 1;
    events.push(...(page.events ?? []));
  }
  return { events, pages };
}

describe('CreateLogGroup, CreateLogStream and PutLogEvents', () => {
  test('written events read back with their stream, timestamp, ingestion time and a unique id', async () => {
    const group = await newGroup();
    const written = await put(group, 'app/i-0001', [
      { timestamp: T0, message: 'INFO started' },
      { timestamp: T0 + 1000, message: 'ERROR db timeout' },
    ]);
    expect(written.rejectedLogEventsInfo).toBeUndefined();

    const { events } = await east1.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(events).toEqual([
      {
        logStreamName: 'app/i-0001',
        timestamp: T0,
        message: 'INFO started',
        ingestionTime: T0 + 60 * MINUTE,
        eventId: expect.stringMatching(/^\d{56}$/),
      },
      expect.objectContaining({ timestamp: T0 + 1000, message: 'ERROR db timeout' }),
    ]);
    expect(events![0]!.eventId).not.toBe(events![1]!.eventId);
    expect(sandbox.world.region('us-east-1').logGroups.get(group)).toHaveLength(2);
  });

  test('a second group of the same name is ResourceAlreadyExistsException; a bad name InvalidParameterException', async () => {
    const group = await newGroup();
    await expectError(
      east1.send(new CreateLogGroupCommand({ logGroupName: group })),
      'ResourceAlreadyExistsException',
    );
    await expectError(
      east1.send(new CreateLogGroupCommand({ logGroupName: 'bad name!' })),
      'InvalidParameterException',
      /logGroupName/,
    );
    await expectError(
      east1.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'app/i-0001' })),
      'ResourceAlreadyExistsException',
    );
  });

  test('writing to a missing group or stream is ResourceNotFoundException', async () => {
    const group = await newGroup();
    await expectError(
      east1.send(
        new PutLogEventsCommand({
          logGroupName: '/aws/application/none',
          logStreamName: 's',
          logEvents: [{ timestamp: T0, message: 'x' }],
        }),
      ),
      'ResourceNotFoundException',
      /log group does not exist/,
    );
    await expectError(
      put(group, 'never-created', [{ timestamp: T0, message: 'x' }]),
      'ResourceNotFoundException',
      /log stream/,
    );
    await expectError(
      east1.send(new CreateLogStreamCommand({ logGroupName: '/aws/application/none', logStreamName: 's' })),
      'ResourceNotFoundException',
    );
  });

  test('a batch out of chronological order is refused whole', async () => {
    const group = await newGroup();
    await expectError(
      put(group, 'app/i-0001', [
        { timestamp: T0 + 1000, message: 'second' },
        { timestamp: T0, message: 'first' },
      ]),
      'InvalidParameterException',
      /chronological/,
    );
    expect(sandbox.world.region('us-east-1').logGroups.get(group)).toEqual([]);
  });

  test('events older than 14 days or more than 2 hours ahead of the clock are rejected, the rest kept', async () => {
    const group = await newGroup();
    const now = T0 + 60 * MINUTE;
    const result = await put(group, 'app/i-0001', [
      { timestamp: now - 15 * 24 * 60 * MINUTE, message: 'too old' },
      { timestamp: now - MINUTE, message: 'kept' },
      { timestamp: now + 3 * 60 * MINUTE, message: 'too new' },
    ]);
    expect(result.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 2 });
    const { events } = await east1.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(events?.map((e) => e.message)).toEqual(['kept']);
  });

  test('log groups are regional', async () => {
    const group = await newGroup();
    await expectError(
      east2.send(new FilterLogEventsCommand({ logGroupName: group })),
      'ResourceNotFoundException',
    );
  });
});

describe('FilterLogEvents', () => {
  test('events of every stream come back in timestamp order, bounds inclusive', async () => {
    const group = await newGroup('app/i-0001');
    await east1.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'app/i-0002' }));
    await put(group, 'app/i-0001', [
      { timestamp: T0 + 1 * MINUTE, message: 'a1' },
      { timestamp: T0 + 3 * MINUTE, message: 'a3' },
      { timestamp: T0 + 5 * MINUTE, message: 'a5' },
    ]);
    await put(group, 'app/i-0002', [
      { timestamp: T0 + 2 * MINUTE, message: 'b2' },
      { timestamp: T0 + 4 * MINUTE, message: 'b4' },
    ]);

    const all = await east1.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(all.events?.map((e) => e.message)).toEqual(['a1', 'b2', 'a3', 'b4', 'a5']);
    expect(all.nextToken).toBeUndefined();

    const window = await east1.send(
      new FilterLogEventsCommand({
        logGroupName: group,
        startTime: T0 + 2 * MINUTE,
        endTime: T0 + 4 * MINUTE,
      }),
    );
    expect(window.events?.map((e) => e.message)).toEqual(['b2', 'a3', 'b4']);

    const oneStream = await east1.send(
      new FilterLogEventsCommand({ logGroupName: group, logStreamNames: ['app/i-0002'] }),
    );
    expect(oneStream.events?.map((e) => e.message)).toEqual(['b2', 'b4']);
    const byPrefix = await east1.send(
      new FilterLogEventsCommand({ logGroupName: group, logStreamNamePrefix: 'app/i-0001' }),
    );
    expect(byPrefix.events?.map((e) => e.message)).toEqual(['a1', 'a3', 'a5']);
  });

  test('the filter pattern selects the events, as in the guide step 3.3 (ERROR)', async () => {
    const group = await newGroup();
    await put(group, 'app/i-0001', [
      { timestamp: T0, message: 'INFO request served' },
      { timestamp: T0 + 1, message: 'ERROR connection refused to primary-db-cluster-v2-dev' },
      { timestamp: T0 + 2, message: 'WARN slow query' },
      { timestamp: T0 + 3, message: 'ERROR timeout' },
    ]);
    const { events } = await east1.send(
      new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR' }),
    );
    expect(events?.map((e) => e.message)).toEqual([
      'ERROR connection refused to primary-db-cluster-v2-dev',
      'ERROR timeout',
    ]);
    const excluded = await east1.send(
      new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR -timeout' }),
    );
    expect(excluded.events).toHaveLength(1);
  });

  test('logGroupIdentifier takes the name or the ARN; only one of the two members may be given', async () => {
    const group = await newGroup();
    await put(group, 'app/i-0001', [{ timestamp: T0, message: 'hello' }]);
    const arn = `arn:aws:logs:us-east-1:123456789012:log-group:${group}`;
    const byArn = await east1.send(new FilterLogEventsCommand({ logGroupIdentifier: arn }));
    expect(byArn.events?.map((e) => e.message)).toEqual(['hello']);
    const byName = await east1.send(new FilterLogEventsCommand({ logGroupIdentifier: group }));
    expect(byName.events).toHaveLength(1);

    await expectError(
      east1.send(new FilterLogEventsCommand({ logGroupName: group, logGroupIdentifier: arn })),
      'InvalidParameterException',
      /mutually exclusive/,
    );
    await expectError(east1.send(new FilterLogEventsCommand({})), 'InvalidParameterException');
    await expectError(
      east2.send(new FilterLogEventsCommand({ logGroupIdentifier: arn })),
      'ResourceNotFoundException',
    );
  });

  test('an unknown group is ResourceNotFoundException', async () => {
    await expectError(
      east1.send(new FilterLogEventsCommand({ logGroupName: '/aws/application/nowhere' })),
      'ResourceNotFoundException',
      /log group does not exist/,
    );
  });

  test.each<[string, Partial<FilterLogEventsCommandInput>, RegExp]>([
    ['startTime after endTime', { startTime: T0 + 1, endTime: T0 }, /startTime/],
    ['limit 0', { limit: 0 }, /greater than or equal to 1/],
    ['limit above 10,000', { limit: 10_001 }, /less than or equal to 10000/],
    ['a JSON pattern', { filterPattern: '{ $.level = "ERROR" }' }, /does not support JSON/],
    ['stream names and a prefix', { logStreamNames: ['a'], logStreamNamePrefix: 'a' }, /mutually exclusive/],
    ['a token it did not issue', { nextToken: 'not-a-token' }, /nextToken/],
  ])('%s is InvalidParameterException', async (_, input, message) => {
    const group = await newGroup();
    await expectError(
      east1.send(new FilterLogEventsCommand({ logGroupName: group, ...input })),
      'InvalidParameterException',
      message,
    );
  });

  test(`a page holds at most ${PAGE_EVENTS} events, and at most limit; paging returns them all once, in order`, async () => {
    const group = await newGroup();
    const written = Array.from({ length: 130 }, (_, i) => ({
      timestamp: T0 + i * 1000,
      message: `ERROR number ${i}`,
    }));
    await put(group, 'app/i-0001', written);

    const first = await east1.send(new FilterLogEventsCommand({ logGroupName: group }));
    expect(first.events).toHaveLength(PAGE_EVENTS);
    expect(first.nextToken).toBeDefined();
    const limited = await east1.send(new FilterLogEventsCommand({ logGroupName: group, limit: 7 }));
    expect(limited.events).toHaveLength(7);

    const { events, pages } = await everything({ logGroupName: group, filterPattern: 'ERROR' });
    expect(pages).toBe(3);
    expect(events.map((e) => e.message)).toEqual(written.map((e) => e.message));
  });

  test('a page may be empty while nextToken is present: only a missing token ends the search', async () => {
    const group = await newGroup();
    const noise = Array.from({ length: PAGE_SCANNED * 2 }, (_, i) => ({
      timestamp: T0 + i,
      message: `INFO ${i}`,
    }));
    await put(group, 'app/i-0001', [
      ...noise,
      { timestamp: T0 + PAGE_SCANNED * 2, message: 'ERROR late 1' },
      { timestamp: T0 + PAGE_SCANNED * 2 + 1, message: 'ERROR late 2' },
    ]);

    const first = await east1.send(
      new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR' }),
    );
    expect(first.events).toEqual([]);
    expect(first.nextToken).toBeDefined();

    const { events } = await everything({ logGroupName: group, filterPattern: 'ERROR' });
    expect(events.map((e) => e.message)).toEqual(['ERROR late 1', 'ERROR late 2']);
  });

  test('events written between pages after the last one read are still found', async () => {
    const group = await newGroup();
    await put(
      group,
      'app/i-0001',
      Array.from({ length: PAGE_EVENTS + 1 }, (_, i) => ({ timestamp: T0 + i, message: `m${i}` })),
    );
    const first = await east1.send(new FilterLogEventsCommand({ logGroupName: group }));
    await put(group, 'app/i-0001', [{ timestamp: T0 + 10 * MINUTE, message: 'written later' }]);
    const second = await east1.send(
      new FilterLogEventsCommand({ logGroupName: group, nextToken: first.nextToken }),
    );
    expect(second.events?.map((e) => e.message)).toEqual([`m${PAGE_EVENTS}`, 'written later']);
    expect(second.nextToken).toBeUndefined();
  });

  test('a token of one group is refused for another', async () => {
    const group = await newGroup();
    const other = await newGroup();
    await put(
      group,
      'app/i-0001',
      Array.from({ length: PAGE_EVENTS + 1 }, (_, i) => ({ timestamp: T0 + i, message: 'x' })),
    );
    const first = await east1.send(new FilterLogEventsCommand({ logGroupName: group }));
    await expectError(
      east1.send(new FilterLogEventsCommand({ logGroupName: other, nextToken: first.nextToken })),
      'InvalidParameterException',
    );
  });

  test('events the application fleet appends straight into the world are searched too', async () => {
    const name = '/aws/application/fleet-written';
    sandbox.world.region('us-east-1').logGroups.set(name, [
      { logStreamName: 'i-0abc', timestamp: T0 + 2, ingestionTime: T0 + 2, message: 'ERROR b', eventId: '2' },
      { logStreamName: 'i-0abc', timestamp: T0 + 1, ingestionTime: T0 + 1, message: 'ERROR a', eventId: '1' },
    ]);
    const { events } = await east1.send(
      new FilterLogEventsCommand({ logGroupName: name, filterPattern: 'ERROR' }),
    );
    expect(events?.map((e) => e.message)).toEqual(['ERROR a', 'ERROR b']);
    // Its streams are the ones its events name: PutLogEvents to one of them works without CreateLogStream.
    await put(name, 'i-0abc', [{ timestamp: T0 + 3, message: 'ERROR c' }]);
    expect(sandbox.world.region('us-east-1').logGroups.get(name)).toHaveLength(3);
  });
});

describe('DescribeLogGroups', () => {
  test('lists groups by prefix in name order, with both ARN forms, over pages', async () => {
    const names = ['/describe/b', '/describe/a', '/describe/c'];
    for (const name of names) await east1.send(new CreateLogGroupCommand({ logGroupName: name }));
    await east2.send(new CreateLogGroupCommand({ logGroupName: '/describe/other-region' }));

    const page = await east1.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/describe/', limit: 2 }),
    );
    expect(page.logGroups?.map((g) => g.logGroupName)).toEqual(['/describe/a', '/describe/b']);
    expect(page.logGroups?.[0]).toMatchObject({
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/describe/a:*',
      logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/describe/a',
      creationTime: T0 + 60 * MINUTE,
    });
    expect(page.nextToken).toBeDefined();

    const listed: string[] = [];
    for await (const p of paginateDescribeLogGroups(
      { client: east1, pageSize: 2 },
      { logGroupNamePrefix: '/describe/' },
    )) {
      listed.push(...(p.logGroups ?? []).map((g) => g.logGroupName!));
    }
    expect(listed).toEqual(['/describe/a', '/describe/b', '/describe/c']);
  });
});
