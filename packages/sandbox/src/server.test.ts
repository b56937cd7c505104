import { performance } from 'node:perf_hooks';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { Sandbox } from './server.js';
import { addCluster } from './services/rds/test-fixtures.js';
import { acceptsConnections, authorization, failure, sandboxClient } from './test-support.js';

/*
 * The sandbox as a whole, driven by the real SDK clients: the region of each call, what an unknown
 * service gets, injected faults in each protocol's wire form, the request log, and stop().
 */

const EAST1 = 'us-east-1';
const EAST2 = 'us-east-2';

let sandbox: Sandbox;
let ssm1: SSMClient;
let ssm2: SSMClient;
let rds1: RDSClient;
let rds2: RDSClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  ssm1 = sandboxClient(SSMClient, sandbox, EAST1);
  ssm2 = sandboxClient(SSMClient, sandbox, EAST2);
  rds1 = sandboxClient(RDSClient, sandbox, EAST1);
  rds2 = sandboxClient(RDSClient, sandbox, EAST2);
});

afterAll(async () => {
  for (const client of [ssm1, ssm2, rds1, rds2]) client.destroy();
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.world.clear();
  sandbox.faults.clear();
  sandbox.requests.length = 0;
});

/** A request sent by hand, signed (in scope only) for `service` in `region`. */
async function post(headers: Record<string, string>, body: string) {
  const response = await fetch(sandbox.url, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function ssmRequest(operation: string, input: object, region = EAST1) {
  return post(
    {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonSSM.${operation}`,
      authorization: authorization(region, 'ssm'),
    },
    JSON.stringify(input),
  );
}

function rdsRequest(body: string, region = EAST1) {
  return post(
    { 'content-type': 'application/x-www-form-urlencoded', authorization: authorization(region, 'rds') },
    body,
  );
}

describe('regions', () => {
  test('one host serves every region: the credential scope decides whose state a call sees', async () => {
    expect(new URL(sandbox.url).hostname).toBe('127.0.0.1');
    await ssm1.send(new PutParameterCommand({ Name: '/app/region', Value: 'east-1', Type: 'String' }));
    await ssm2.send(new PutParameterCommand({ Name: '/app/region', Value: 'east-2', Type: 'String' }));

    const one = await ssm1.send(new GetParameterCommand({ Name: '/app/region' }));
    const two = await ssm2.send(new GetParameterCommand({ Name: '/app/region' }));
    expect(one.Parameter?.Value).toBe('east-1');
    expect(two.Parameter?.Value).toBe('east-2');
    expect(sandbox.world.region(EAST1).parameters.get('/app/region')).toBeDefined();
    expect(sandbox.world.region(EAST2).parameters.get('/app/region')).toBeDefined();
    expect(sandbox.calls('ssm').map((r) => r.region)).toEqual([EAST1, EAST2, EAST1, EAST2]);
  });

  test('a Query service (RDS) reads the world of the scope region too', async () => {
    addCluster(sandbox.world, EAST2, 'only-in-east-2');
    const east1 = await rds1.send(new DescribeDBClustersCommand({}));
    const east2 = await rds2.send(new DescribeDBClustersCommand({}));
    expect(east1.DBClusters).toEqual([]);
    expect(east2.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['only-in-east-2']);
    expect(sandbox.calls('rds').map((r) => r.region)).toEqual([EAST1, EAST2]);
  });

  test('env(region) points a client at this sandbox in that region', () => {
    expect(sandbox.env(EAST2)).toEqual({
      AWS_ENDPOINT_URL: sandbox.url,
      AWS_REGION: EAST2,
      AWS_ACCESS_KEY_ID: 'AKIASANDBOXEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'sandbox-secret-key',
    });
    expect(sandbox.env().AWS_REGION).toBe(EAST1);
  });
});

describe('requests no service answers', () => {
  test.each<[string, Record<string, string>, string]>([
    [
      'an unknown signing name without a target',
      { 'content-type': 'application/x-www-form-urlencoded', authorization: authorization(EAST1, 'sqs') },
      'Action=ListQueues&Version=2012-11-05',
    ],
    [
      'an unknown JSON target',
      {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecord',
        authorization: authorization(EAST1, 'kinesis'),
      },
      '{}',
    ],
    [
      'no Authorization header',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=DescribeDBClusters',
    ],
  ])('%s gets HTTP 400 naming what was not found, never an empty success', async (_, headers, body) => {
    const { status, text } = await post(headers, body);
    expect(status).toBe(400);
    expect(text).toMatch(/^sandbox: no service for signing name "[^"]*" and target "[^"]*"$/);
    expect(sandbox.requests).toEqual([expect.objectContaining({ status: 400 })]);
    expect(sandbox.requests[0]).not.toHaveProperty('fault');
  });

  test('the log names the signing name and target that were not served', async () => {
    await post(
      {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecord',
        authorization: authorization(EAST2, 'kinesis'),
      },
      '{}',
    );
    expect(sandbox.requests).toEqual([
      { service: 'kinesis', operation: 'Kinesis_20131202.PutRecord', region: EAST2, status: 400 },
    ]);
  });
});

/**
 * The error of a call made with two attempts allowed and no delay between them: the SDK makes the
 * second attempt only if it classifies the first reply as retryable. The request log starts empty.
 */
async function failureWithOneRetry<C extends { destroy(): void }>(
  client: C,
  call: (client: C) => Promise<unknown>,
) {
  try {
    sandbox.requests.length = 0;
    return await failure(call(client));
  } finally {
    client.destroy();
  }
}

const oneRetry = () => ({ retryStrategy: new ConfiguredRetryStrategy(2, () => 0) });

describe('injected faults in each protocol', () => {
  test('JSON throttling: ThrottlingException with HTTP 400, which the SDK retries', async () => {
    sandbox.faults.set([{ operation: 'ssm:GetParameter', throttleRate: 1 }]);

    const raw = await ssmRequest('GetParameter', { Name: '/p' });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(raw.text)).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });

    const error = await failureWithOneRetry(sandboxClient(SSMClient, sandbox, EAST1, oneRetry()), (ssm) =>
      ssm.send(new GetParameterCommand({ Name: '/p' })),
    );
    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 2 });
    const throttled = {
      service: 'ssm',
      operation: 'GetParameter',
      region: EAST1,
      status: 400,
      fault: 'throttle',
    };
    expect(sandbox.requests).toEqual([throttled, throttled]);
  });

  test('JSON server error: ServiceUnavailable with HTTP 503, which the SDK retries as transient', async () => {
    sandbox.faults.set([{ operation: 'ssm:*', serverErrorRate: 1 }]);

    const raw = await ssmRequest('GetParameter', { Name: '/p' });
    expect(raw.status).toBe(503);
    expect(JSON.parse(raw.text)).toEqual({
      __type: 'ServiceUnavailable',
      message: 'Service is unavailable (injected)',
    });

    const error = await failureWithOneRetry(sandboxClient(SSMClient, sandbox, EAST2, oneRetry()), (ssm) =>
      ssm.send(new GetParameterCommand({ Name: '/p' })),
    );
    expect(error.name).toBe('ServiceUnavailable');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 2 });
    const failed = {
      service: 'ssm',
      operation: 'GetParameter',
      region: EAST2,
      status: 503,
      fault: 'server-error',
    };
    expect(sandbox.requests).toEqual([failed, failed]);
  });

  test('Query throttling: <Code>Throttling</Code> from the Sender with HTTP 400, which the SDK retries', async () => {
    sandbox.faults.set([{ operation: 'rds:DescribeDBClusters', throttleRate: 1 }]);

    const raw = await rdsRequest('Action=DescribeDBClusters&Version=2014-10-31');
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toBe('text/xml');
    expect(raw.text).toContain(
      '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>',
    );

    const error = await failureWithOneRetry(sandboxClient(RDSClient, sandbox, EAST2, oneRetry()), (rds) =>
      rds.send(new DescribeDBClustersCommand({})),
    );
    expect(error.name).toBe('Throttling');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 2 });
    const throttled = {
      service: 'rds',
      operation: 'DescribeDBClusters',
      region: EAST2,
      status: 400,
      fault: 'throttle',
    };
    expect(sandbox.requests).toEqual([throttled, throttled]);
  });

  test('Query server error: <Type>Receiver</Type> with HTTP 503, which the SDK retries as transient', async () => {
    sandbox.faults.set([{ operation: 'rds:*', serverErrorRate: 1 }]);

    const raw = await rdsRequest('Action=DescribeDBInstances&Version=2014-10-31');
    expect(raw.status).toBe(503);
    expect(raw.text).toContain(
      '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service is unavailable (injected)</Message></Error>',
    );

    const error = await failureWithOneRetry(sandboxClient(RDSClient, sandbox, EAST1, oneRetry()), (rds) =>
      rds.send(new DescribeDBClustersCommand({})),
    );
    expect(error.name).toBe('ServiceUnavailable');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 503, attempts: 2 });
    const failed = {
      service: 'rds',
      operation: 'DescribeDBClusters',
      region: EAST1,
      status: 503,
      fault: 'server-error',
    };
    expect(sandbox.requests).toEqual([failed, failed]);
  });

  test('a faulted call never reaches the service: nothing is written', async () => {
    sandbox.faults.set([{ operation: 'ssm:PutParameter', throttleRate: 1 }]);
    await failure(ssm1.send(new PutParameterCommand({ Name: '/never', Value: 'x', Type: 'String' })));
    expect(sandbox.world.region(EAST1).parameters.has('/never')).toBe(false);
    expect(sandbox.faults.injected.throttle).toBeGreaterThan(0);
  });

  test('latency is added before the call is answered', async () => {
    await ssm1.send(new PutParameterCommand({ Name: '/slow', Value: 'x', Type: 'String' }));
    const latencyMs = 300;
    sandbox.faults.set([{ operation: 'ssm:GetParameter', latencyMs }]);
    const started = performance.now();
    const out = await ssm1.send(new GetParameterCommand({ Name: '/slow' }));
    const elapsed = performance.now() - started;
    expect(out.Parameter?.Value).toBe('x');
    // A lower bound only (timers may fire a millisecond early); how much slower a busy machine is says nothing.
    expect(elapsed).toBeGreaterThanOrEqual(latencyMs - 5);
    expect(sandbox.calls('ssm').at(-1)).toEqual({
      service: 'ssm',
      operation: 'GetParameter',
      region: EAST1,
      status: 200,
    });
  });
});

describe('request log', () => {
  test('requests lists every call in order; calls(service) only that service', async () => {
    await ssm1.send(new PutParameterCommand({ Name: '/log/p', Value: 'v', Type: 'String' }));
    await rds2.send(new DescribeDBClustersCommand({}));
    await failure(ssm2.send(new GetParameterCommand({ Name: '/log/p' })));

    const ssmPut = { service: 'ssm', operation: 'PutParameter', region: EAST1, status: 200 };
    const rdsDescribe = { service: 'rds', operation: 'DescribeDBClusters', region: EAST2, status: 200 };
    const ssmMissing = { service: 'ssm', operation: 'GetParameter', region: EAST2, status: 400 };
    expect(sandbox.requests).toEqual([ssmPut, rdsDescribe, ssmMissing]);
    expect(sandbox.calls()).toEqual([ssmPut, rdsDescribe, ssmMissing]);
    expect(sandbox.calls('ssm')).toEqual([ssmPut, ssmMissing]);
    expect(sandbox.calls('rds')).toEqual([rdsDescribe]);
    expect(sandbox.calls('dynamodb')).toEqual([]);
  });

  test('calls() is a copy: changing it does not change the log', async () => {
    await rds1.send(new DescribeDBClustersCommand({}));
    const copy = sandbox.calls();
    copy.length = 0;
    expect(sandbox.requests).toHaveLength(1);
  });
});

describe('stop', () => {
  test('closes the port: a new connection is refused', async () => {
    const own = await Sandbox.start();
    const { port } = new URL(own.url);
    expect(await acceptsConnections(Number(port))).toBe(true);
    await own.stop();
    expect(await acceptsConnections(Number(port))).toBe(false);
  });

  test('a client kept open across stop() gets a connection error, not a reply', async () => {
    const own = await Sandbox.start();
    const client = sandboxClient(SSMClient, own, EAST1);
    try {
      await client.send(new PutParameterCommand({ Name: '/x', Value: 'x', Type: 'String' }));
      await own.stop();
      const error = await failure(client.send(new GetParameterCommand({ Name: '/x' })));
      // The SDK wraps the socket error; no HTTP status means no reply was parsed.
      expect(error.message).toMatch(/ECONNREFUSED/);
      expect(error.$metadata.httpStatusCode).toBeUndefined();
    } finally {
      client.destroy();
    }
  });
});
