import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { classifyAwsError, describeAwsError } from '../errors/aws-error.js';
import { AwsClients } from './clients.js';
import { toolkitVersion } from './version.js';

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

/** A tiny stand-in for AWS: records each request and answers with whatever `reply` returns. */
async function startServer(
  reply: (seen: Seen) => Reply,
): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const { status, contentType, body } = reply(request);
      res.writeHead(status, { 'content-type': contentType }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

const rdsClusters = (status: string): Reply => ({
  status: 200,
  contentType: 'text/xml',
  body:
    '<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClustersResult>' +
    `<DBClusters><DBCluster><DBClusterIdentifier>primary-db-cluster-v2-dev</DBClusterIdentifier><Status>${status}</Status>` +
    '</DBCluster></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>' +
    '</DescribeDBClustersResponse>',
});

const queryError = (status: number, code: string): Reply => ({
  status,
  contentType: 'text/xml',
  body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} happened</Message></Error><RequestId>r2</RequestId></ErrorResponse>`,
});

const jsonError = (type: string): Reply => ({
  status: 400,
  contentType: 'application/x-amz-json-1.1',
  body: JSON.stringify({ __type: type, message: `${type} happened` }),
});

const regionOf = (seen: Seen): string | undefined =>
  /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(seen.headers['authorization']))?.[1];

/** Every service, for the tests that reach all five. */
const services = {
  rds: RDSClient,
  dynamodb: DynamoDBClient,
  secretsManager: SecretsManagerClient,
  ssm: SSMClient,
  cloudwatch: CloudWatchClient,
};

const savedEnv = { ...process.env };

beforeEach(() => {
  // Keep the SDK away from this machine's own AWS settings.
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('toolkitVersion', () => {
  it('matches the version in the root package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(toolkitVersion).toBe(pkg.version);
  });
});

describe('AwsClients', () => {
  it('caches one client per service and region, and a new one after destroy', () => {
    const clients = new AwsClients({ maxAttempts: 3, retryMode: 'standard', services });
    const east1 = clients.rds('us-east-1');
    expect(clients.rds('us-east-1')).toBe(east1);
    expect(clients.rds('us-east-2')).not.toBe(east1);
    expect(clients.ssm('us-east-1')).not.toBe(east1);
    clients.destroy();
    expect(clients.rds('us-east-1')).not.toBe(east1);
    clients.destroy();
  });

  it('builds only the services it was given, and says how to add a missing one', () => {
    const clients = new AwsClients({ maxAttempts: 1, retryMode: 'standard', services: { rds: RDSClient } });
    try {
      expect(clients.rds('us-east-1')).toBeInstanceOf(RDSClient);
      expect(() => clients.ssm('us-east-1')).toThrow(
        'AwsClients was built without the SSMClient class, but a ssm client was asked for (us-east-1). ' +
          "Import SSMClient from '@aws-sdk/client-ssm' in the action and add `ssm: SSMClient` to the " +
          'services passed to new AwsClients.',
      );
      expect(() => clients.secretsManager('us-east-2')).toThrow(/secretsManager: SecretsManagerClient/);
    } finally {
      clients.destroy();
    }
  });

  it('reaches AWS_ENDPOINT_URL with the region, retry settings and user agent', async () => {
    const { server, url, seen } = await startServer((request) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.body.startsWith('Action=DescribeDBClusters')) return rdsClusters('available');
      if (target.startsWith('AmazonSSM.')) return jsonError('ParameterNotFound');
      if (target.startsWith('secretsmanager.')) return jsonError('ResourceNotFoundException');
      if (target.startsWith('GraniteServiceVersion20100801.'))
        return { status: 200, contentType: 'application/x-amz-json-1.0', body: '{"MetricDataResults":[]}' };
      return { status: 500, contentType: 'text/plain', body: 'unexpected' };
    });
    process.env['AWS_ENDPOINT_URL'] = url;
    const clients = new AwsClients({
      maxAttempts: 5,
      retryMode: 'adaptive',
      userAgent: 'verify-v2',
      services,
    });
    try {
      const out = await clients.rds('us-east-2').send(new DescribeDBClustersCommand({}));
      expect(out.DBClusters?.[0]?.Status).toBe('available');
      const first = seen[0]!;
      expect(regionOf(first)).toBe('us-east-2');
      expect(first.headers['amz-sdk-request']).toBe('attempt=1; max=5');
      expect(String(first.headers['user-agent'])).toContain(`db-migration-toolkit/${toolkitVersion}`);
      expect(String(first.headers['user-agent'])).toContain('verify-v2');
      // The SDK reports the retry mode in use as feature "F" (RETRY_MODE_ADAPTIVE) in its `m/` metadata.
      expect(String(first.headers['user-agent'])).toMatch(/ m\/[^ ]*\bF\b/);

      const ssmError = await clients
        .ssm('us-east-1')
        .send(new GetParameterCommand({ Name: '/app/dev/database/endpoint' }))
        .catch((e: unknown) => e);
      expect(classifyAwsError(ssmError)).toBe('not-found');
      expect(regionOf(seen[1]!)).toBe('us-east-1');

      const secretError = await clients
        .secretsManager('us-east-1')
        .send(new GetSecretValueCommand({ SecretId: 'db-password-v2-dev' }))
        .catch((e: unknown) => e);
      expect(classifyAwsError(secretError)).toBe('not-found');

      const metrics = await clients.cloudwatch('us-east-2').send(
        new GetMetricDataCommand({
          MetricDataQueries: [],
          StartTime: new Date(0),
          EndTime: new Date(1000),
        }),
      );
      expect(metrics.MetricDataResults).toEqual([]);
    } finally {
      clients.destroy();
      server.close();
    }
  });

  it('lets AWS_ENDPOINT_URL_<SERVICE> override AWS_ENDPOINT_URL for one service', async () => {
    const general = await startServer(() => rdsClusters('available'));
    const dynamo = await startServer(() => ({
      status: 400,
      contentType: 'application/x-amz-json-1.0',
      body: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
        message: 'no',
      }),
    }));
    process.env['AWS_ENDPOINT_URL'] = general.url;
    process.env['AWS_ENDPOINT_URL_DYNAMODB'] = dynamo.url;
    const clients = new AwsClients({ maxAttempts: 1, retryMode: 'standard', services });
    try {
      const error = await clients
        .dynamodb('us-east-2')
        .send(new DescribeTableCommand({ TableName: 'session-table-v2-dev' }))
        .catch((e: unknown) => e);
      expect(classifyAwsError(error)).toBe('not-found');
      expect(dynamo.seen).toHaveLength(1);
      expect(general.seen).toHaveLength(0);
    } finally {
      clients.destroy();
      general.server.close();
      dynamo.server.close();
    }
  });

  it('gives up after maxAttempts on throttling, and the error says so', async () => {
    const { server, url, seen } = await startServer(() => queryError(400, 'Throttling'));
    process.env['AWS_ENDPOINT_URL'] = url;
    const clients = new AwsClients({ maxAttempts: 2, retryMode: 'standard', services });
    try {
      const error = await clients
        .rds('us-east-1')
        .send(new DescribeDBClustersCommand({}))
        .catch((e: unknown) => e);
      expect(seen).toHaveLength(2);
      expect(classifyAwsError(error)).toBe('throttled');
      // The client's own record of the call names it; no context from the caller.
      expect(describeAwsError(error)).toMatch(
        /^rds:DescribeDBClusters in us-east-1 was throttled or failed transiently after 2 attempts/,
      );
    } finally {
      clients.destroy();
      server.close();
    }
  });

  it('maps RDS wire codes to the SDK class names the classification expects', async () => {
    const { server, url } = await startServer(() => queryError(404, 'DBInstanceNotFound'));
    process.env['AWS_ENDPOINT_URL'] = url;
    const clients = new AwsClients({ maxAttempts: 1, retryMode: 'standard', services });
    try {
      const error = await clients
        .rds('us-east-1')
        .send(new DescribeDBClustersCommand({}))
        .catch((e: unknown) => e);
      expect((error as Error).name).toBe('DBInstanceNotFoundFault');
      expect(classifyAwsError(error)).toBe('not-found');
    } finally {
      clients.destroy();
      server.close();
    }
  });

  it('turns missing credentials into a message that says how to configure them', async () => {
    const { server, url, seen } = await startServer(() => rdsClusters('available'));
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    process.env['AWS_ENDPOINT_URL'] = url;
    const clients = new AwsClients({ maxAttempts: 1, retryMode: 'standard', services });
    try {
      const error = await clients
        .rds('us-east-1')
        .send(new DescribeDBClustersCommand({}))
        .catch((e: unknown) => e);
      expect(seen).toHaveLength(0);
      expect(classifyAwsError(error)).toBe('credentials');
      const message = describeAwsError(error);
      expect(message).toMatch(/^rds:DescribeDBClusters in us-east-1 could not authenticate to AWS/);
      expect(message).toContain('aws-actions/configure-aws-credentials@v6');
    } finally {
      clients.destroy();
      server.close();
    }
  });
});
