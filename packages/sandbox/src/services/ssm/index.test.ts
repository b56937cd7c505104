import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
  paginateGetParameterHistory,
} from '@aws-sdk/client-ssm';
import { Sandbox } from '../../server.js';
import { expectError, sandboxClient } from '../../test-support.js';

let sandbox: Sandbox;
let east1: SSMClient;
let east2: SSMClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  east1 = sandboxClient(SSMClient, sandbox, 'us-east-1');
  east2 = sandboxClient(SSMClient, sandbox, 'us-east-2');
});

afterAll(async () => {
  east1.destroy();
  east2.destroy();
  await sandbox.stop();
});

afterEach(() => {
  sandbox.now = () => new Date();
});

describe('PutParameter and GetParameter', () => {
  test('a created String parameter reads back with version, date, ARN and data type', async () => {
    const when = new Date('2026-03-04T05:06:07.250Z');
    sandbox.now = () => when;
    const put = await east1.send(
      new PutParameterCommand({
        Name: '/app/dev/dynamodb/table',
        Value: 'session-table-dev',
        Type: 'String',
      }),
    );
    expect(put).toMatchObject({ Version: 1, Tier: 'Standard' });

    const { Parameter } = await east1.send(new GetParameterCommand({ Name: '/app/dev/dynamodb/table' }));
    expect(Parameter).toEqual({
      Name: '/app/dev/dynamodb/table',
      Type: 'String',
      Value: 'session-table-dev',
      Version: 1,
      LastModifiedDate: when,
      ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/app/dev/dynamodb/table',
      DataType: 'text',
    });
    expect(Parameter?.LastModifiedDate).toBeInstanceOf(Date);
  });

  test('parameters are regional: one put in us-east-1 is not found in us-east-2', async () => {
    await east1.send(new PutParameterCommand({ Name: '/regional/p', Value: 'east-1', Type: 'String' }));
    await expectError(east2.send(new GetParameterCommand({ Name: '/regional/p' })), 'ParameterNotFound');
    await east2.send(new PutParameterCommand({ Name: '/regional/p', Value: 'east-2', Type: 'String' }));
    expect((await east1.send(new GetParameterCommand({ Name: '/regional/p' }))).Parameter?.Value).toBe(
      'east-1',
    );
    const other = await east2.send(new GetParameterCommand({ Name: '/regional/p' }));
    expect(other.Parameter?.Value).toBe('east-2');
    expect(other.Parameter?.ARN).toBe('arn:aws:ssm:us-east-2:123456789012:parameter/regional/p');
  });

  test('a missing parameter is ParameterNotFound with status 400', async () => {
    await expectError(east1.send(new GetParameterCommand({ Name: '/no/such' })), 'ParameterNotFound');
  });

  test('a SecureString is plaintext only WithDecryption', async () => {
    await east1.send(
      new PutParameterCommand({
        Name: '/app/dev/database/endpoint',
        Value: 'db.internal:5432',
        Type: 'SecureString',
      }),
    );
    const hidden = await east1.send(new GetParameterCommand({ Name: '/app/dev/database/endpoint' }));
    expect(hidden.Parameter?.Type).toBe('SecureString');
    expect(hidden.Parameter?.Value).toBeDefined();
    expect(hidden.Parameter?.Value).not.toContain('db.internal');
    const again = await east1.send(
      new GetParameterCommand({ Name: '/app/dev/database/endpoint', WithDecryption: false }),
    );
    expect(again.Parameter?.Value).toBe(hidden.Parameter?.Value);
    const clear = await east1.send(
      new GetParameterCommand({ Name: '/app/dev/database/endpoint', WithDecryption: true }),
    );
    expect(clear.Parameter?.Value).toBe('db.internal:5432');
  });

  test('WithDecryption does not change a String', async () => {
    await east1.send(new PutParameterCommand({ Name: 'plain', Value: 'v', Type: 'String' }));
    const got = await east1.send(new GetParameterCommand({ Name: 'plain', WithDecryption: true }));
    expect(got.Parameter?.Value).toBe('v');
    expect(got.Parameter?.ARN).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/plain');
  });

  test('a parameter reads by ARN and by version selector', async () => {
    await east1.send(new PutParameterCommand({ Name: '/sel/p', Value: 'one', Type: 'String' }));
    await east1.send(new PutParameterCommand({ Name: '/sel/p', Value: 'two', Overwrite: true }));
    const byArn = await east1.send(
      new GetParameterCommand({ Name: 'arn:aws:ssm:us-east-1:123456789012:parameter/sel/p' }),
    );
    expect(byArn.Parameter?.Value).toBe('two');
    const first = await east1.send(new GetParameterCommand({ Name: '/sel/p:1' }));
    expect(first.Parameter).toMatchObject({ Name: '/sel/p', Value: 'one', Version: 1, Selector: ':1' });
    await expectError(
      east1.send(new GetParameterCommand({ Name: '/sel/p:9' })),
      'ParameterVersionNotFound',
      /version 9/,
    );
  });

  test('a parameter seeded into the World reads through the API', async () => {
    const lastModifiedDate = new Date('2026-01-01T00:00:00Z');
    sandbox.world.region('us-east-2').parameters.set('/seeded', {
      name: '/seeded',
      region: 'us-east-2',
      type: 'String',
      value: 'from-scenario',
      version: 3,
      lastModifiedDate,
      tier: 'Standard',
    });
    const got = await east2.send(new GetParameterCommand({ Name: '/seeded' }));
    expect(got.Parameter).toMatchObject({
      Value: 'from-scenario',
      Version: 3,
      LastModifiedDate: lastModifiedDate,
    });
    const put = await east2.send(
      new PutParameterCommand({ Name: '/seeded', Value: 'next', Overwrite: true }),
    );
    expect(put.Version).toBe(4);
  });
});

describe('PutParameter rules', () => {
  test('an existing name without Overwrite is ParameterAlreadyExists; with it, the version increments', async () => {
    await east1.send(new PutParameterCommand({ Name: '/rules/p', Value: 'a', Type: 'String' }));
    await expectError(
      east1.send(new PutParameterCommand({ Name: '/rules/p', Value: 'b', Type: 'String' })),
      'ParameterAlreadyExists',
    );
    expect((await east1.send(new GetParameterCommand({ Name: '/rules/p' }))).Parameter?.Value).toBe('a');

    const later = new Date(Date.now() + 60_000);
    sandbox.now = () => later;
    const put = await east1.send(new PutParameterCommand({ Name: '/rules/p', Value: 'b', Overwrite: true }));
    expect(put).toEqual(expect.objectContaining({ Version: 2, Tier: 'Standard' }));
    const got = await east1.send(new GetParameterCommand({ Name: '/rules/p' }));
    // The type is kept when an overwrite does not name one.
    expect(got.Parameter).toMatchObject({ Value: 'b', Version: 2, Type: 'String', LastModifiedDate: later });
  });

  test('creating without Type is ValidationException', async () => {
    await expectError(
      east1.send(new PutParameterCommand({ Name: '/rules/untyped', Value: 'a' })),
      'ValidationException',
      /parameter type is required/,
    );
  });

  test('Tags with Overwrite is ValidationException', async () => {
    await expectError(
      east1.send(
        new PutParameterCommand({
          Name: '/rules/tagged',
          Value: 'a',
          Type: 'String',
          Overwrite: true,
          Tags: [{ Key: 'env', Value: 'dev' }],
        }),
      ),
      'ValidationException',
      /tags and overwrite can't be used together/,
    );
    // Tags alone on create are accepted.
    const put = await east1.send(
      new PutParameterCommand({
        Name: '/rules/tagged',
        Value: 'a',
        Type: 'String',
        Tags: [{ Key: 'env', Value: 'dev' }],
      }),
    );
    expect(put.Version).toBe(1);
  });

  test('a value over 4 KB on Standard is ValidationException; Advanced and Intelligent-Tiering take it', async () => {
    const big = 'x'.repeat(4097);
    await expectError(
      east1.send(new PutParameterCommand({ Name: '/rules/big', Value: big, Type: 'String' })),
      'ValidationException',
      /4096/,
    );
    await expectError(
      east1.send(
        new PutParameterCommand({ Name: '/rules/big', Value: big, Type: 'String', Tier: 'Standard' }),
      ),
      'ValidationException',
    );
    const advanced = await east1.send(
      new PutParameterCommand({ Name: '/rules/big', Value: big, Type: 'String', Tier: 'Advanced' }),
    );
    expect(advanced).toMatchObject({ Version: 1, Tier: 'Advanced' });
    const intelligent = await east1.send(
      new PutParameterCommand({
        Name: '/rules/big2',
        Value: big,
        Type: 'String',
        Tier: 'Intelligent-Tiering',
      }),
    );
    expect(intelligent.Tier).toBe('Advanced');
    const small = await east1.send(
      new PutParameterCommand({
        Name: '/rules/small',
        Value: 'x'.repeat(4096),
        Type: 'String',
        Tier: 'Intelligent-Tiering',
      }),
    );
    expect(small.Tier).toBe('Standard');
    await expectError(
      east1.send(
        new PutParameterCommand({
          Name: '/rules/huge',
          Value: 'x'.repeat(8193),
          Type: 'String',
          Tier: 'Advanced',
        }),
      ),
      'ValidationException',
    );
  });

  test('bad names, types and empty values are refused', async () => {
    await expectError(
      east1.send(new PutParameterCommand({ Name: '/aws/reserved', Value: 'a', Type: 'String' })),
      'ValidationException',
      /prefixed/,
    );
    await expectError(
      east1.send(new PutParameterCommand({ Name: 'not/qualified', Value: 'a', Type: 'String' })),
      'ValidationException',
    );
    await expectError(
      east1.send(new PutParameterCommand({ Name: '/bad name', Value: 'a', Type: 'String' })),
      'ValidationException',
    );
    await expectError(
      east1.send(new PutParameterCommand({ Name: `/${'a/'.repeat(15)}deep`, Value: 'a', Type: 'String' })),
      'HierarchyLevelLimitExceededException',
    );
    await expectError(
      east1.send(new PutParameterCommand({ Name: '/typed', Value: 'a', Type: 'Number' as never })),
      'ValidationException',
      /enum value set/,
    );
    await expectError(
      east1.send(new PutParameterCommand({ Name: '/empty', Value: '', Type: 'String' })),
      'ValidationException',
    );
  });
});

describe('GetParameters', () => {
  test('returns the found parameters and lists the missing names in InvalidParameters', async () => {
    await east1.send(new PutParameterCommand({ Name: '/many/a', Value: 'A', Type: 'String' }));
    await east1.send(new PutParameterCommand({ Name: '/many/b', Value: 'B', Type: 'SecureString' }));
    const got = await east1.send(
      new GetParametersCommand({ Names: ['/many/a', '/many/missing', '/many/b'], WithDecryption: true }),
    );
    expect(got.Parameters?.map((p) => [p.Name, p.Value])).toEqual([
      ['/many/a', 'A'],
      ['/many/b', 'B'],
    ]);
    expect(got.InvalidParameters).toEqual(['/many/missing']);
    expect(got.Parameters?.[0]?.LastModifiedDate).toBeInstanceOf(Date);

    const hidden = await east1.send(new GetParametersCommand({ Names: ['/many/b'] }));
    expect(hidden.Parameters?.[0]?.Value).not.toBe('B');
    expect(hidden.InvalidParameters).toEqual([]);
  });

  test('more than 10 names is ValidationException', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `/n${i}`);
    await expectError(east1.send(new GetParametersCommand({ Names: names })), 'ValidationException');
  });
});

describe('DeleteParameter and history', () => {
  test('DeleteParameter removes the parameter; a second delete is ParameterNotFound', async () => {
    await east1.send(new PutParameterCommand({ Name: '/del/p', Value: 'a', Type: 'String' }));
    await east1.send(new DeleteParameterCommand({ Name: '/del/p' }));
    await expectError(east1.send(new GetParameterCommand({ Name: '/del/p' })), 'ParameterNotFound');
    await expectError(east1.send(new DeleteParameterCommand({ Name: '/del/p' })), 'ParameterNotFound');
    // Recreated, it starts again at version 1 with no history.
    const put = await east1.send(new PutParameterCommand({ Name: '/del/p', Value: 'b', Type: 'String' }));
    expect(put.Version).toBe(1);
    const history = await east1.send(new GetParameterHistoryCommand({ Name: '/del/p' }));
    expect(history.Parameters?.map((p) => p.Value)).toEqual(['b']);
  });

  test('DeleteParameters deletes what exists and lists the rest', async () => {
    await east1.send(new PutParameterCommand({ Name: '/del/x', Value: 'a', Type: 'String' }));
    const result = await east1.send(new DeleteParametersCommand({ Names: ['/del/x', '/del/nope'] }));
    expect(result.DeletedParameters).toEqual(['/del/x']);
    expect(result.InvalidParameters).toEqual(['/del/nope']);
  });

  test('GetParameterHistory lists every version oldest first and pages', async () => {
    await east1.send(new PutParameterCommand({ Name: '/hist/p', Value: 'v1', Type: 'SecureString' }));
    for (let v = 2; v <= 5; v++) {
      await east1.send(new PutParameterCommand({ Name: '/hist/p', Value: `v${v}`, Overwrite: true }));
    }
    const first = await east1.send(
      new GetParameterHistoryCommand({ Name: '/hist/p', WithDecryption: true, MaxResults: 2 }),
    );
    expect(first.Parameters?.map((p) => [p.Version, p.Value])).toEqual([
      [1, 'v1'],
      [2, 'v2'],
    ]);
    expect(first.Parameters?.[0]).toMatchObject({ Type: 'SecureString', Tier: 'Standard', Labels: [] });
    expect(first.Parameters?.[0]?.LastModifiedDate).toBeInstanceOf(Date);
    expect(first.NextToken).toBeDefined();

    const values: string[] = [];
    for await (const page of paginateGetParameterHistory(
      { client: east1, pageSize: 2 },
      { Name: '/hist/p', WithDecryption: true },
    )) {
      values.push(...(page.Parameters ?? []).map((p) => p.Value!));
    }
    expect(values).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);

    const hidden = await east1.send(new GetParameterHistoryCommand({ Name: '/hist/p' }));
    expect(hidden.Parameters?.some((p) => /^v\d$/.test(p.Value ?? ''))).toBe(false);

    await expectError(
      east1.send(new GetParameterHistoryCommand({ Name: '/hist/none' })),
      'ParameterNotFound',
    );
    await expectError(
      east1.send(new GetParameterHistoryCommand({ Name: '/hist/p', NextToken: 'garbage' })),
      'InvalidNextToken',
    );
  });
});

test('an operation the sandbox does not serve is UnknownOperationException, not an empty success', async () => {
  const { DescribeParametersCommand } = await import('@aws-sdk/client-ssm');
  await expectError(east1.send(new DescribeParametersCommand({})), 'UnknownOperationException');
});
