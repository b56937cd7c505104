import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { Sandbox, sandboxClient } from '@dbmig/sandbox';
import { clearSecrets, registerSecret } from '../secrets/index.js';
import { countErrorLogs, SAMPLE_MESSAGE_CHARS, type ErrorLogQuery } from './error-logs.js';

const REGION = 'us-east-1';
const T0 = Date.parse('2026-05-06T07:00:00.000Z');
const MINUTE = 60_000;

let sandbox: Sandbox;
let logs: CloudWatchLogsClient;
let groupCount = 0;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  sandbox.now = () => new Date(T0 + 30 * MINUTE);
  logs = sandboxClient(CloudWatchLogsClient, sandbox, REGION);
});

afterAll(async () => {
  logs.destroy();
  await sandbox.stop();
});

afterEach(() => clearSecrets());

/** A fresh `/aws/application/{env}` group holding `messages`, one a second from T0, written through the SDK. */
async function groupWith(messages: string[]): Promise<string> {
  groupCount += 1;
  const logGroupName = `/aws/application/bake-${groupCount}`;
  await logs.send(new CreateLogGroupCommand({ logGroupName }));
  await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: 'i-0001' }));
  for (let from = 0; from < messages.length; from += 1000) {
    await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: 'i-0001',
        logEvents: messages
          .slice(from, from + 1000)
          .map((message, i) => ({ timestamp: T0 + (from + i) * 1000, message })),
      }),
    );
  }
  return logGroupName;
}

function query(logGroup: string, overrides: Partial<ErrorLogQuery> = {}): ErrorLogQuery {
  return {
    logGroup,
    filterPattern: 'ERROR',
    start: new Date(T0),
    end: new Date(T0 + 30 * MINUTE),
    maxListed: 3,
    ...overrides,
  };
}

describe('countErrorLogs', () => {
  test('counts every matching event across pages, empty pages included, and keeps the first ones as samples', async () => {
    // 600 lines with an ERROR every 100th: most pages the sandbox returns are empty but carry a token.
    const messages = Array.from({ length: 600 }, (_, i) =>
      i % 100 === 99 ? `ERROR request ${i} failed: connection refused` : `INFO request ${i} served`,
    );
    const group = await groupWith(messages);
    const result = await countErrorLogs(logs, query(group));
    expect(result).toEqual({
      groupExists: true,
      logGroup: group,
      count: 6,
      samples: [
        'ERROR request 99 failed: connection refused',
        'ERROR request 199 failed: connection refused',
        'ERROR request 299 failed: connection refused',
      ],
    });
  });

  test('only the window counts', async () => {
    const group = await groupWith(['ERROR one', 'ERROR two', 'ERROR three']);
    const result = await countErrorLogs(
      logs,
      query(group, { start: new Date(T0 + 1000), end: new Date(T0 + 1000) }),
    );
    expect(result).toMatchObject({ groupExists: true, count: 1, samples: ['ERROR two'] });
  });

  test('a quiet application is a count of zero in an existing group', async () => {
    const group = await groupWith(['INFO all good']);
    expect(await countErrorLogs(logs, query(group))).toEqual({
      groupExists: true,
      logGroup: group,
      count: 0,
      samples: [],
    });
  });

  test('a missing log group is its own result, not a zero', async () => {
    expect(await countErrorLogs(logs, query('/aws/application/never-written'))).toEqual({
      groupExists: false,
      logGroup: '/aws/application/never-written',
    });
  });

  test('samples are cut to a readable length and never show a registered secret', async () => {
    const password = 'hunter2-very-secret';
    registerSecret(password);
    const group = await groupWith([`ERROR login failed with password=${password} ${'x'.repeat(400)}`]);
    const result = await countErrorLogs(logs, query(group));
    if (!result.groupExists) throw new Error('expected the group to exist');
    const [sample] = result.samples;
    expect(sample).toHaveLength(SAMPLE_MESSAGE_CHARS);
    expect(sample).toMatch(/^ERROR login failed with password=\*\*\* x+…$/);
    expect(sample).not.toContain(password);
  });

  test('a pattern the service refuses is an error, not a count', async () => {
    const group = await groupWith(['ERROR x']);
    await expect(
      countErrorLogs(logs, query(group, { filterPattern: '{ $.level = "ERROR" }' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});
