import {
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
  paginateGetParametersByPath,
  type Parameter,
} from '@aws-sdk/client-ssm';
import { Sandbox } from '../../server.js';
import { expectError, sandboxClient } from '../../test-support.js';

let sandbox: Sandbox;
let ssm: SSMClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  ssm = sandboxClient(SSMClient, sandbox, 'us-east-1');
  const names = [
    '/ledger/dev/000002',
    '/ledger/dev/000001',
    '/ledger/dev/parts/x/1',
    '/ledger/devx/000001',
    '/ledger/dev',
    '/top',
  ];
  for (const name of names) {
    await ssm.send(new PutParameterCommand({ Name: name, Value: `value of ${name}`, Type: 'String' }));
  }
  await ssm.send(
    new PutParameterCommand({ Name: '/ledger/dev/secret', Value: 'hunter2-value', Type: 'SecureString' }),
  );
});

afterAll(async () => {
  ssm.destroy();
  await sandbox.stop();
});

async function listed(input: {
  Path: string;
  Recursive?: boolean;
  WithDecryption?: boolean;
}): Promise<Parameter[]> {
  const found: Parameter[] = [];
  for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 2 }, input)) {
    found.push(...(page.Parameters ?? []));
  }
  return found;
}

describe('GetParametersByPath', () => {
  test('lists the direct children only, never the path itself nor a sibling sharing its prefix', async () => {
    const names = (await listed({ Path: '/ledger/dev' })).map((p) => p.Name);
    expect(names).toEqual(['/ledger/dev/000002', '/ledger/dev/000001', '/ledger/dev/secret']);
    // A trailing slash selects the same level.
    expect((await listed({ Path: '/ledger/dev/' })).map((p) => p.Name)).toEqual(names);
  });

  test('Recursive lists every descendant', async () => {
    const names = (await listed({ Path: '/ledger', Recursive: true })).map((p) => p.Name);
    expect(names.sort()).toEqual([
      '/ledger/dev',
      '/ledger/dev/000001',
      '/ledger/dev/000002',
      '/ledger/dev/parts/x/1',
      '/ledger/dev/secret',
      '/ledger/devx/000001',
    ]);
    expect((await listed({ Path: '/' })).map((p) => p.Name)).toEqual(['/top']);
  });

  test('returns Parameter shapes with LastModifiedDate, a SecureString in clear only WithDecryption', async () => {
    const hidden = (await listed({ Path: '/ledger/dev' })).find((p) => p.Name === '/ledger/dev/secret');
    expect(hidden).toMatchObject({ Type: 'SecureString', Version: 1, DataType: 'text' });
    expect(hidden?.Value).not.toContain('hunter2');
    expect(hidden?.LastModifiedDate).toBeInstanceOf(Date);
    expect(hidden?.ARN).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/ledger/dev/secret');
    const clear = (await listed({ Path: '/ledger/dev', WithDecryption: true })).find(
      (p) => p.Name === '/ledger/dev/secret',
    );
    expect(clear?.Value).toBe('hunter2-value');
  });

  test('pages of at most MaxResults, with NextToken until the last page', async () => {
    const first = await ssm.send(new GetParametersByPathCommand({ Path: '/ledger/dev', MaxResults: 2 }));
    expect(first.Parameters).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const second = await ssm.send(
      new GetParametersByPathCommand({ Path: '/ledger/dev', MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.Parameters?.map((p) => p.Name)).toEqual(['/ledger/dev/secret']);
    expect(second.NextToken).toBeUndefined();
    const empty = await ssm.send(new GetParametersByPathCommand({ Path: '/nothing/here' }));
    expect(empty).toMatchObject({ Parameters: [] });
    expect(empty.NextToken).toBeUndefined();
  });

  test('refuses MaxResults over 10, a path that is not fully qualified, and a token it did not issue', async () => {
    await expectError(
      ssm.send(new GetParametersByPathCommand({ Path: '/ledger', MaxResults: 11 })),
      'ValidationException',
      /less than or equal to 10/,
    );
    await expectError(
      ssm.send(new GetParametersByPathCommand({ Path: 'ledger/dev' })),
      'ValidationException',
      /forward slash/,
    );
    await expectError(
      ssm.send(new GetParametersByPathCommand({ Path: '/ledger', NextToken: 'garbage' })),
      'InvalidNextToken',
    );
  });
});
