import { Agent } from 'node:http';
import type { JsonService, RawReply, RequestContext } from '../../protocols/types.js';
import { backupOperations } from './backups.js';
import { batchWriteItem } from './batch-write.js';
import { overlayDescribeTable, replyTableName } from './describe-table.js';
import { forward } from './forward.js';
import { RegionalDynalites } from './regional-dynalites.js';
import { sourceTableReader } from './source-table.js';

/**
 * DynamoDB (JSON 1.0): every operation goes to the region's embedded dynalite, so that items, scans,
 * paging and batch writes behave like DynamoDB's. The sandbox adds only what dynalite cannot know:
 * the global-table view of DescribeTable, kept in the World's table overlays, and BatchWriteItem's
 * 16 MB limit and partial answers under injected write pressure (batch-write.ts).
 */
export function createDynamoDbService(): { service: JsonService; close(): Promise<void> } {
  const dynalites = new RegionalDynalites();
  const agent = new Agent({ keepAlive: true });

  async function passthrough(
    ctx: RequestContext,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<RawReply> {
    const port = await dynalites.port(ctx.region);
    const send = (payload: Buffer) => forward(agent, port, payload, headers);
    if (ctx.operation === 'BatchWriteItem') return batchWriteItem(ctx, body, send);
    const reply = await send(body);
    const tables = ctx.world.region(ctx.region).tables;
    if (ctx.operation === 'DescribeTable') {
      const name = replyTableName(reply, 'Table');
      return overlayDescribeTable(reply, name === undefined ? undefined : tables.get(name));
    }
    if (ctx.operation === 'DeleteTable') {
      // A table created again under the same name starts with no replicas and no status override.
      const name = replyTableName(reply, 'TableDescription');
      if (name !== undefined) tables.delete(name);
      if (name !== undefined) ctx.world.region(ctx.region).pointInTimeRecoveryTables.delete(name);
    }
    return reply;
  }

  return {
    service: {
      signingName: 'dynamodb',
      targetPrefix: 'DynamoDB_20120810',
      jsonVersion: '1.0',
      // Backups are the sandbox's own (backups.ts): dynalite has none.
      operations: backupOperations(sourceTableReader(agent, dynalites)),
      passthrough,
    },
    close: async () => {
      agent.destroy();
      await dynalites.close();
    },
  };
}
