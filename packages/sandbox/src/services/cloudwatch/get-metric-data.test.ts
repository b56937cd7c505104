import {
  CloudWatchClient,
  GetMetricDataCommand,
  paginateGetMetricData,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { Sandbox } from '../../server.js';
import { authorization, failure, sandboxClient } from '../../test-support.js';

const PRIMARY = 'us-east-1';
const DR = 'us-east-2';
const DR_CLUSTER = 'dr-db-cluster-v2-dev';
const NOW = new Date('2026-01-15T11:00:00.000Z');
const minute = (n: number) => new Date(NOW.getTime() - (60 - n) * 60_000);

let sandbox: Sandbox;
let east1: CloudWatchClient;
let east2: CloudWatchClient;

function client(region: string, maxAttempts = 1): CloudWatchClient {
  return sandboxClient(CloudWatchClient, sandbox, region, { maxAttempts });
}

beforeAll(async () => {
  sandbox = await Sandbox.start();
  sandbox.now = () => NOW;
  east1 = client(PRIMARY);
  east2 = client(DR);
});

afterAll(async () => {
  east1.destroy();
  east2.destroy();
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.world.clear();
  sandbox.faults.clear();
  // AuroraGlobalDBReplicationLag (ms) exists only in the secondary region, per DR cluster:
  // two samples a minute over the last five minutes (10:55..10:59).
  sandbox.world.region(DR).metrics.push({
    region: DR,
    namespace: 'AWS/RDS',
    metricName: 'AuroraGlobalDBReplicationLag',
    dimensions: { DBClusterIdentifier: DR_CLUSTER },
    points: (now) => {
      expect(now).toEqual(NOW);
      return [55, 56, 57, 58, 59].flatMap((m, i) => [
        { timestamp: new Date(minute(m).getTime() + 10_000), value: 100 * (i + 1) },
        { timestamp: new Date(minute(m).getTime() + 40_000), value: 100 * (i + 1) + 50 },
      ]);
    },
  });
});

function lagQuery(overrides: Partial<MetricDataQuery> = {}, stat = 'Average', period = 60): MetricDataQuery {
  return {
    Id: 'lag',
    MetricStat: {
      Metric: {
        Namespace: 'AWS/RDS',
        MetricName: 'AuroraGlobalDBReplicationLag',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: DR_CLUSTER }],
      },
      Period: period,
      Stat: stat,
      Unit: 'Milliseconds',
    },
    ...overrides,
  };
}

function request(queries: MetricDataQuery[], extra: Partial<GetMetricDataCommandInput> = {}) {
  return new GetMetricDataCommand({
    MetricDataQueries: queries,
    StartTime: minute(50),
    EndTime: NOW,
    ...extra,
  });
}

describe('GetMetricData', () => {
  it('returns the scripted replication lag of the DR cluster, newest first by default', async () => {
    const out = await east2.send(request([lagQuery()]));
    expect(out.Messages).toEqual([]);
    expect(out.NextToken).toBeUndefined();
    expect(out.MetricDataResults).toHaveLength(1);
    const result = out.MetricDataResults![0]!;
    expect(result.Id).toBe('lag');
    expect(result.Label).toBe('AuroraGlobalDBReplicationLag');
    expect(result.StatusCode).toBe('Complete');
    expect(result.Values).toEqual([525, 425, 325, 225, 125]);
    expect(result.Timestamps).toEqual([minute(59), minute(58), minute(57), minute(56), minute(55)]);
    expect(result.Timestamps![0]).toBeInstanceOf(Date);
  });

  it('orders oldest first with ScanBy TimestampAscending and applies the Stat per Period', async () => {
    const out = await east2.send(
      request(
        [lagQuery({ Id: 'max5', Label: 'lag max' }, 'Maximum', 300), lagQuery({ Id: 'n' }, 'SampleCount')],
        {
          ScanBy: 'TimestampAscending',
          StartTime: minute(55),
        },
      ),
    );
    const [max5, count] = out.MetricDataResults!;
    expect(max5).toMatchObject({ Id: 'max5', Label: 'lag max', Values: [550], Timestamps: [minute(55)] });
    expect(count!.Values).toEqual([2, 2, 2, 2, 2]);
    expect(count!.Timestamps).toEqual([minute(55), minute(56), minute(57), minute(58), minute(59)]);
  });

  it('keeps to the window: StartTime inclusive, EndTime exclusive', async () => {
    const out = await east2.send(
      request([lagQuery({}, 'Minimum')], { StartTime: minute(56), EndTime: minute(58) }),
    );
    expect(out.MetricDataResults![0]!.Values).toEqual([300, 200]);
  });

  it('has no lag series in the primary region: a Complete result with empty lists', async () => {
    const out = await east1.send(request([lagQuery()]));
    expect(out.MetricDataResults).toEqual([
      {
        Id: 'lag',
        Label: 'AuroraGlobalDBReplicationLag',
        Timestamps: [],
        Values: [],
        StatusCode: 'Complete',
      },
    ]);
  });

  it('matches the exact dimension set and the metric name; anything else is an empty result', async () => {
    const extraDimension = lagQuery({ Id: 'extra' });
    extraDimension.MetricStat!.Metric!.Dimensions!.push({ Name: 'SourceRegion', Value: PRIMARY });
    const noDimension = lagQuery({ Id: 'none' });
    noDimension.MetricStat!.Metric!.Dimensions = [];
    const otherCluster = lagQuery({ Id: 'other' });
    otherCluster.MetricStat!.Metric!.Dimensions = [{ Name: 'DBClusterIdentifier', Value: 'primary' }];
    const unknownMetric = lagQuery({ Id: 'unknown' });
    unknownMetric.MetricStat!.Metric!.MetricName = 'NoSuchMetric';

    const out = await east2.send(request([extraDimension, noDimension, otherCluster, unknownMetric]));
    expect(out.MetricDataResults!.map((r) => [r.Id, r.Values, r.StatusCode])).toEqual([
      ['extra', [], 'Complete'],
      ['none', [], 'Complete'],
      ['other', [], 'Complete'],
      ['unknown', [], 'Complete'],
    ]);
  });

  it('leaves out queries with ReturnData false', async () => {
    const out = await east2.send(request([lagQuery({ Id: 'hidden', ReturnData: false }), lagQuery()]));
    expect(out.MetricDataResults!.map((r) => r.Id)).toEqual(['lag']);
  });

  it('splits more points than MaxDatapoints across NextToken pages', async () => {
    const first = await east2.send(request([lagQuery()], { MaxDatapoints: 3 }));
    expect(first.MetricDataResults![0]).toMatchObject({ Values: [525, 425, 325], StatusCode: 'PartialData' });
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await east2.send(request([lagQuery()], { MaxDatapoints: 3, NextToken: first.NextToken }));
    expect(second.MetricDataResults![0]).toMatchObject({ Values: [225, 125], StatusCode: 'Complete' });
    expect(second.NextToken).toBeUndefined();

    const values: number[] = [];
    for await (const page of paginateGetMetricData(
      { client: east2 },
      { MetricDataQueries: [lagQuery()], StartTime: minute(50), EndTime: NOW, MaxDatapoints: 2 },
    )) {
      values.push(...page.MetricDataResults!.flatMap((r) => r.Values!));
    }
    expect(values).toEqual([525, 425, 325, 225, 125]);
  });

  it('refuses a NextToken it did not issue with InvalidNextToken', async () => {
    const error = await failure(east2.send(request([lagQuery()], { NextToken: 'bogus' })));
    expect(error.name).toBe('InvalidNextToken');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it.each<[string, () => GetMetricDataCommand]>([
    ['no queries', () => request([])],
    [
      'more than 500 queries',
      () => request(Array.from({ length: 501 }, (_, i) => lagQuery({ Id: `q${i}` }))),
    ],
    ['an unknown Stat', () => request([lagQuery({}, 'Median')])],
    ['EndTime equal to StartTime', () => request([lagQuery()], { StartTime: NOW, EndTime: NOW })],
    ['EndTime before StartTime', () => request([lagQuery()], { StartTime: NOW, EndTime: minute(0) })],
    [
      'a Period that is not 1, 5, 10, 20, 30 or a multiple of 60',
      () => request([lagQuery({}, 'Average', 90)]),
    ],
    ['a query Id that starts with a capital', () => request([lagQuery({ Id: 'Lag' })])],
    ['two queries with the same Id', () => request([lagQuery(), lagQuery()])],
    ['an unknown ScanBy', () => request([lagQuery()], { ScanBy: 'Sideways' as never })],
  ])(
    'refuses %s with InvalidParameterValueException (query code InvalidParameterValue)',
    async (_, command) => {
      const error = await failure(east2.send(command()));
      expect(error.name).toBe('InvalidParameterValueException');
      expect(error.Code).toBe('InvalidParameterValue');
      expect(error.$metadata.httpStatusCode).toBe(400);
    },
  );

  it('refuses a missing StartTime with MissingRequiredParameterException', async () => {
    const command = request([lagQuery()]);
    delete (command.input as Partial<GetMetricDataCommandInput>).StartTime;
    const error = await failure(east2.send(command));
    expect(error.name).toBe('MissingRequiredParameterException');
    expect(error.Code).toBe('MissingParameter');
  });

  it('sends the query-compatible error header on the wire', async () => {
    const response = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
        'x-amzn-query-mode': 'true',
        authorization: authorization(DR, 'monitoring'),
      },
      body: JSON.stringify({ MetricDataQueries: [], StartTime: 1, EndTime: 2 }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-query-error')).toBe('InvalidParameterValue;Sender');
    expect(await response.json()).toEqual({
      __type: 'InvalidParameterValueException',
      message: expect.any(String),
    });
  });

  it('answers injected throttling with query code Throttling, HTTP 400', async () => {
    sandbox.faults.set([{ operation: 'monitoring:GetMetricData', throttleRate: 1 }]);
    const error = await failure(east2.send(request([lagQuery()])));
    // ThrottlingException is not in CloudWatch's model, so the query-compatible SDK names the error
    // after the x-amzn-query-error code; its retry strategy treats both names as throttling.
    expect(error.name).toBe('Throttling');
    expect(error.Code).toBe('Throttling');
    expect(error.$metadata.httpStatusCode).toBe(400);

    const retrying = client(DR, 2);
    try {
      const before = sandbox.calls('monitoring').length;
      await failure(retrying.send(request([lagQuery()])));
      expect(sandbox.calls('monitoring').length - before).toBe(2);
    } finally {
      retrying.destroy();
    }
  });
});
