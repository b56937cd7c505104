import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { startLab, type Lab } from '../../lab.js';
import { DEFAULT_SESSION_ITEMS } from '../../scenarios/sessions-data.js';
import { sandboxClient } from '../../test-support.js';
import { readStream } from './test-support.js';

let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ scenario: 'payments-world' });
}, 120_000);

afterAll(async () => {
  await lab?.stop();
});

describe("the scenarios' session tables", () => {
  test('both generations, in both Regions, have the NEW_AND_OLD_IMAGES stream of a global table', async () => {
    const { regions, v1, v2 } = lab.config;
    for (const region of [regions.primary, regions.dr]) {
      const dynamo = sandboxClient(DynamoDBClient, lab.sandbox, region);
      const streams = sandboxClient(DynamoDBStreamsClient, lab.sandbox, region);
      try {
        for (const table of [v1.table, v2.table]) {
          const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: table }));
          expect(Table!.StreamSpecification).toEqual({
            StreamEnabled: true,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          });
          const { Streams } = await streams.send(new ListStreamsCommand({ TableName: table }));
          expect(Streams!.map((s) => s.StreamArn)).toEqual([Table!.LatestStreamArn]);
        }
      } finally {
        dynamo.destroy();
        streams.destroy();
      }
    }
  });

  test("v1's seeded sessions are in its stream, one INSERT each; v2's stream is empty", async () => {
    const { regions, v1, v2 } = lab.config;
    const dynamo = sandboxClient(DynamoDBClient, lab.sandbox, regions.primary);
    const streams = sandboxClient(DynamoDBStreamsClient, lab.sandbox, regions.primary);
    try {
      const arnOf = async (table: string) =>
        (await dynamo.send(new DescribeTableCommand({ TableName: table }))).Table!.LatestStreamArn!;
      const records = await readStream(streams, await arnOf(v1.table));
      expect(records).toHaveLength(DEFAULT_SESSION_ITEMS);
      expect(new Set(records.map((r) => r.eventName))).toEqual(new Set(['INSERT']));
      expect(new Set(records.map((r) => r.dynamodb!.Keys!['session_id']!.S)).size).toBe(
        DEFAULT_SESSION_ITEMS,
      );
      expect(await readStream(streams, await arnOf(v2.table))).toEqual([]);
    } finally {
      dynamo.destroy();
      streams.destroy();
    }
  });
});
