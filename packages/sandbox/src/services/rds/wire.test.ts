import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { authorization } from '../../test-support.js';
import { addGlobalDatabase, failure, PRIMARY, rdsClient } from './test-fixtures.js';

/*
 * The bytes on the wire (what the SDK's deserializer depends on) and the sandbox's fault injection as
 * the SDK's retry strategy sees it.
 */

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await Sandbox.start();
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.world.clear();
  sandbox.faults.clear();
  sandbox.requests.length = 0;
});

/** A Query request as the SDK sends it; the sandbox reads the region from the credential scope only. */
async function post(body: string, region = PRIMARY): Promise<{ status: number; text: string }> {
  const response = await fetch(sandbox.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: authorization(region, 'rds'),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('RDS wire format', () => {
  it('wraps the result in <OpResponse><OpResult> with ResponseMetadata', async () => {
    addGlobalDatabase(sandbox.world);
    const { status, text } = await post('Action=DescribeDBClusters&Version=2014-10-31');
    expect(status).toBe(200);
    expect(text).toMatch(
      /^<\?xml[^>]*\?>\s*<DescribeDBClustersResponse xmlns="http:\/\/rds\.amazonaws\.com\/doc\/2014-10-31\/"><DescribeDBClustersResult><DBClusters><DBCluster>/,
    );
    expect(text).toContain('<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>');
    expect(text).toContain('<ClusterCreateTime>2026-01-15T10:20:30.000Z</ClusterCreateTime>');
    expect(text).toMatch(
      /<\/DescribeDBClustersResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId>/,
    );
  });

  it('names the list items of DescribeGlobalClusters <GlobalClusterMember>, Readers <member>', async () => {
    addGlobalDatabase(sandbox.world);
    const { text } = await post('Action=DescribeGlobalClusters&Version=2014-10-31');
    expect(text).toContain('<GlobalClusters><GlobalClusterMember><GlobalClusterIdentifier>global-db-v2-dev<');
    expect(text).toContain('<GlobalClusterMembers><GlobalClusterMember><DBClusterArn>');
    expect(text).toContain('<Readers><member>arn:aws:rds:us-east-2:');
  });

  it('sends DBInstanceNotFound (not …Fault) as the error code, with 404 and an ErrorResponse body', async () => {
    const { status, text } = await post(
      'Action=DescribeDBInstances&Version=2014-10-31&DBInstanceIdentifier=x',
    );
    expect(status).toBe(404);
    expect(text).toContain(
      '<ErrorResponse><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance x not found.</Message></Error>',
    );
  });

  it('escapes XML special characters in values', async () => {
    const { text } = await post(
      `Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=${encodeURIComponent('a<b&c')}`,
    );
    expect(text).toContain('DBCluster a&lt;b&amp;c not found.');
  });

  it('answers an operation it does not serve with InvalidAction (400), never an empty success', async () => {
    const { status, text } = await post('Action=DescribeDBProxies&Version=2014-10-31');
    expect(status).toBe(400);
    expect(text).toContain('<Code>InvalidAction</Code>');
  });
});

describe('RDS fault injection', () => {
  it('answers Throttling with HTTP 400, which the SDK does not retry with maxAttempts 1', async () => {
    addGlobalDatabase(sandbox.world);
    sandbox.faults.set([{ operation: 'rds:DescribeDBClusters', throttleRate: 1 }]);
    const client = rdsClient(sandbox, PRIMARY, 1);
    try {
      const error = await failure(client.send(new DescribeDBClustersCommand({})));
      expect(error.name).toBe('Throttling');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(sandbox.calls('rds')).toEqual([
        { service: 'rds', operation: 'DescribeDBClusters', region: PRIMARY, status: 400, fault: 'throttle' },
      ]);
      // Other operations are not affected by the rule.
      const instances = await client.send(new DescribeDBInstancesCommand({}));
      expect(instances.DBInstances).toHaveLength(2);
    } finally {
      client.destroy();
    }
  });

  it('is classified as throttling by the SDK, which retries it', async () => {
    sandbox.faults.set([{ operation: 'rds:DescribeDBClusters', throttleRate: 1 }]);
    const client = rdsClient(sandbox, PRIMARY, 2);
    try {
      const error = await failure(client.send(new DescribeDBClustersCommand({})));
      expect(error.name).toBe('Throttling');
      expect(error.$metadata.attempts).toBe(2);
      expect(sandbox.calls('rds').map((r) => r.fault)).toEqual(['throttle', 'throttle']);
    } finally {
      client.destroy();
    }
  });

  it('answers an injected server error with 503, which the SDK retries as transient', async () => {
    sandbox.faults.set([{ operation: 'rds:*', serverErrorRate: 1 }]);
    const client = rdsClient(sandbox, PRIMARY, 2);
    try {
      const error = await failure(client.send(new DescribeDBClustersCommand({})));
      expect(error.name).toBe('ServiceUnavailable');
      expect(error.$metadata.httpStatusCode).toBe(503);
      expect(error.$metadata.attempts).toBe(2);
      expect(sandbox.calls('rds').map((r) => r.status)).toEqual([503, 503]);
    } finally {
      client.destroy();
    }
  });
});
