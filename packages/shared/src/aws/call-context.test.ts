import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { BatchWriteItemCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, paginateDescribeDBInstances, RDSClient } from '@aws-sdk/client-rds';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Sandbox } from '@dbmig/sandbox';
import { failureMessage } from '../action/messages.js';
import { describeAwsError } from '../errors/aws-error.js';
import { callContextOf, resourceOf } from './call-context.js';
import { AwsClients } from './clients.js';

const services = {
  rds: RDSClient,
  dynamodb: DynamoDBClient,
  secretsManager: SecretsManagerClient,
  ssm: SSMClient,
  cloudwatch: CloudWatchClient,
};

let sandbox: Sandbox;
let clients: AwsClients;
const savedEnv = { ...process.env };

beforeAll(async () => {
  sandbox = await Sandbox.start();
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, sandbox.env(), {
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  });
  clients = new AwsClients({ maxAttempts: 2, retryMode: 'standard', services });
});

afterAll(async () => {
  clients.destroy();
  await sandbox.stop();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

afterEach(() => sandbox.faults.clear());

const failure = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

describe('errors thrown by AwsClients name the call that failed', () => {
  it('names the missing resource, the operation and the region, with no context from the caller', async () => {
    const cluster = await failure(
      clients
        .rds('us-east-2')
        .send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'dr-db-cluster-v2-dev' })),
    );
    expect(callContextOf(cluster)).toEqual({
      operation: 'rds:DescribeDBClusters',
      resource: 'dr-db-cluster-v2-dev',
      region: 'us-east-2',
    });
    expect(failureMessage(cluster)).toMatch(
      /^dr-db-cluster-v2-dev was not found in us-east-2 \(rds:DescribeDBClusters; AWS said: DBClusterNotFoundFault/,
    );

    const table = await failure(
      clients.dynamodb('us-east-1').send(new DescribeTableCommand({ TableName: 'session-table-v2-dev' })),
    );
    expect(failureMessage(table)).toMatch(
      /^session-table-v2-dev was not found in us-east-1 \(dynamodb:DescribeTable;/,
    );

    const secret = await failure(
      clients.secretsManager('us-east-1').send(new GetSecretValueCommand({ SecretId: 'db-password-v2-dev' })),
    );
    expect(failureMessage(secret)).toMatch(
      /^db-password-v2-dev was not found in us-east-1 \(secretsmanager:GetSecretValue;/,
    );

    const parameter = await failure(
      clients.ssm('us-east-1').send(new GetParameterCommand({ Name: '/app/dev/database/endpoint' })),
    );
    expect(failureMessage(parameter)).toMatch(
      /^\/app\/dev\/database\/endpoint was not found in us-east-1 \(ssm:GetParameter;/,
    );

    const batch = await failure(
      clients.dynamodb('us-east-2').send(
        new BatchWriteItemCommand({
          RequestItems: { 'session-table-v2-dev': [{ PutRequest: { Item: { id: { S: 'a' } } } }] },
        }),
      ),
    );
    expect(callContextOf(batch)).toMatchObject({
      operation: 'dynamodb:BatchWriteItem',
      resource: 'session-table-v2-dev',
    });
  });

  it('names the resource of a call that failed after its retries, paginated calls included', async () => {
    sandbox.faults.set([{ operation: '*', throttleRate: 1 }]);
    const pages = paginateDescribeDBInstances(
      { client: clients.rds('us-east-1') },
      { Filters: [{ Name: 'db-cluster-id', Values: ['primary-db-cluster-v2-dev'] }] },
    );
    const instances = await failure(
      (async () => {
        for await (const page of pages) void page;
      })(),
    );
    expect(failureMessage(instances)).toMatch(
      /^rds:DescribeDBInstances on primary-db-cluster-v2-dev in us-east-1 was throttled or failed transiently after 2 attempts/,
    );

    const lag = await failure(
      clients.cloudwatch('us-east-2').send(
        new GetMetricDataCommand({
          StartTime: new Date(0),
          EndTime: new Date(60_000),
          MetricDataQueries: [
            {
              Id: 'lag',
              MetricStat: {
                Metric: {
                  Namespace: 'AWS/RDS',
                  MetricName: 'AuroraGlobalDBReplicationLag',
                  Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'dr-db-cluster-v2-dev' }],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      ),
    );
    expect(failureMessage(lag)).toMatch(
      /^cloudwatch:GetMetricData on dr-db-cluster-v2-dev in us-east-2 was throttled or failed transiently after 2 attempts/,
    );
  });

  it('lets a caller that knows more say so', async () => {
    const error = await failure(
      clients
        .rds('us-east-1')
        .send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'primary-db-cluster-v2-dev' })),
    );
    expect(describeAwsError(error, { resource: 'the v2 primary cluster primary-db-cluster-v2-dev' })).toMatch(
      /^the v2 primary cluster primary-db-cluster-v2-dev was not found in us-east-1 \(rds:DescribeDBClusters;/,
    );
  });
});

describe('resourceOf', () => {
  it('reads the member that names the resource', () => {
    expect(resourceOf({ DBClusterIdentifier: 'c', DBClusterSnapshotIdentifier: 's' })).toBe('c');
    expect(resourceOf({ DBClusterSnapshotIdentifier: 's' })).toBe('s');
    expect(resourceOf({ TableName: 't', BackupName: 'b' })).toBe('t');
    expect(resourceOf({ BackupArn: 'arn:aws:dynamodb:us-east-1:1:table/t/backup/1' })).toBe(
      'arn:aws:dynamodb:us-east-1:1:table/t/backup/1',
    );
    expect(resourceOf({ Names: ['/a', '/b'] })).toBe('/a, /b');
    expect(resourceOf({ RequestItems: { t1: [], t2: [] } })).toBe('t1, t2');
  });

  it('names nothing for a call on no one resource', () => {
    expect(resourceOf({})).toBeUndefined();
    expect(resourceOf(undefined)).toBeUndefined();
    expect(resourceOf({ DBClusterIdentifier: '' })).toBeUndefined();
    expect(resourceOf({ Filters: [{ Name: 'engine', Values: ['aurora-postgresql'] }] })).toBeUndefined();
    expect(resourceOf({ MaxRecords: 20 })).toBeUndefined();
  });
});
