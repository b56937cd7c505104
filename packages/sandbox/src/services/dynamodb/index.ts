import { Agent } from 'node:http';
import type { JsonService, RawReply, RequestContext } from '../../protocols/types.js';
import { overlayDescribeTable, replyTableName } from './describe-table.js';
import { forward } from './forward.js';
import { RegionalDynalites } from './regional-dynalites.js';

/**
 * DynamoDB (JSON 1.0): every operation goes to the region's embedded dynalite, so that items, scans,
 * paging and batch writes behave like DynamoDB's. The sandbox adds only what dynalite cannot know:
 * the global-table view of DescribeTable, kept in the World's table overlays.
 */
export function createDynamoDbService(): { service: JsonService; close(): Promise<void> } {
  const dynalites = new RegionalDynalites();
  const agent = new Agent({ keepAlive: true });

  async function passthrough(
    ctx: RequestContext,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<RawReply> {
    const reply = await forward(agent, await dynalites.port(ctx.region), body, headers);
    const tables = ctx.world.region(ctx.region).tables;
    if (ctx.operation === 'DescribeTable') {
      const name = replyTableName(reply, 'Table');
      return overlayDescribeTable(reply, name === undefined ? undefined : tables.get(name));
    }
    if (ctx.operation === 'DeleteTable') {
      // A table created again under the same name starts with no replicas and no status override.
      const name = replyTableName(reply, 'TableDescription');
      if (name !== undefined) tables.delete(name);
    }
    return reply;
  }

  return {
    service: {
      signingName: 'dynamodb',
      targetPrefix: 'DynamoDB_20120810',
      jsonVersion: '1.0',
      operations: {},
      passthrough,
    },
    close: async () => {
      agent.destroy();
      await dynalites.close();
    },
  };
}
