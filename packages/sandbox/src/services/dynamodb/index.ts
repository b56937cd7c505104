import { Agent } from 'node:http';
import type { JsonService, RawReply, RequestContext } from '../../protocols/types.js';
import { backupOperations } from './backups.js';
import { batchWriteItem } from './batch-write.js';
import { overlayDescribeTable, replyTableName } from './describe-table.js';
import { forward } from './forward.js';
import { RegionalDynalites } from './regional-dynalites.js';
import { refuseDeleteWithReplicas, settleReplicas, tableStatus, updateReplicas } from './replica-updates.js';
import { dynaliteCaller, sourceTableReader } from './source-table.js';
import { exportOperations } from './table-exports.js';

/**
 * DynamoDB (JSON 1.0): every operation goes to the region's embedded dynalite, so that items, scans,
 * paging and batch writes behave like DynamoDB's. The sandbox adds only what dynalite cannot know:
 * the global-table view of DescribeTable, kept in the World's table overlays, and BatchWriteItem's
 * 16 MB limit and partial answers under injected write pressure (batch-write.ts), replica removal and the
 * refusal to delete a table that still has replicas (replica-updates.ts), and exports (table-exports.ts).
 */
export function createDynamoDbService(): { service: JsonService; close(): Promise<void> } {
  const dynalites = new RegionalDynalites();
  const agent = new Agent({ keepAlive: true });
  const call = dynaliteCaller(agent, dynalites);

  async function passthrough(
    ctx: RequestContext,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<RawReply> {
    const port = await dynalites.port(ctx.region);
    const send = (payload: Buffer) => forward(agent, port, payload, headers);
    if (ctx.operation === 'BatchWriteItem') return batchWriteItem(ctx, body, send);
    await settleReplicas(ctx, call);
    if (ctx.operation === 'UpdateTable' || ctx.operation === 'DeleteTable') {
      const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      if (ctx.operation === 'UpdateTable') {
        const answered = await updateReplicas(ctx, input, call);
        if (answered) return answered;
      } else {
        refuseDeleteWithReplicas(ctx, input);
      }
    }
    const reply = await send(body);
    const tables = ctx.world.region(ctx.region).tables;
    if (ctx.operation === 'DescribeTable') {
      const name = replyTableName(reply, 'Table');
      const overlay = name === undefined ? undefined : tables.get(name);
      return overlayDescribeTable(reply, overlay, overlay ? tableStatus(overlay, ctx.now()) : undefined);
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
      operations: {
        ...backupOperations(sourceTableReader(agent, dynalites)),
        ...exportOperations(sourceTableReader(agent, dynalites), call),
      },
      passthrough,
    },
    close: async () => {
      agent.destroy();
      await dynalites.close();
    },
  };
}
