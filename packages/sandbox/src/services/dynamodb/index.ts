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
import {
  RECORDED_WRITES,
  STREAM_SPECIFYING_OPERATIONS,
  StreamRecorder,
  changeTableStream,
  describeTableStream,
  disableDeletedTableStream,
  dynamoDbStreamsService,
} from '../dynamodb-streams/index.js';

/**
 * DynamoDB (JSON 1.0): every operation goes to the region's embedded dynalite, so that items, scans,
 * paging and batch writes behave like DynamoDB's. The sandbox adds only what dynalite cannot know:
 * the global-table view of DescribeTable, kept in the World's table overlays, and BatchWriteItem's
 * 16 MB limit and partial answers under injected write pressure (batch-write.ts), replica removal and the
 * refusal to delete a table that still has replicas (replica-updates.ts), exports (table-exports.ts), and
 * DynamoDB Streams: the tables' StreamSpecification, the records of every write to a table with a stream,
 * and the Streams service reading them (../dynamodb-streams/).
 */
export function createDynamoDbService(): {
  service: JsonService;
  streams: JsonService;
  close(): Promise<void>;
} {
  const dynalites = new RegionalDynalites();
  const agent = new Agent({ keepAlive: true });
  const call = dynaliteCaller(agent, dynalites);
  const recorder = new StreamRecorder(call);

  async function passthrough(
    ctx: RequestContext,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<RawReply> {
    const port = await dynalites.port(ctx.region);
    const send = (payload: Buffer) => forward(agent, port, payload, headers);
    if (ctx.operation === 'BatchWriteItem') {
      // Only the part of the batch actually forwarded becomes stream records, not the kept-back part.
      return batchWriteItem(ctx, body, (payload) => recorder.around(ctx, ctx.operation, payload, send));
    }
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
    if (RECORDED_WRITES.has(ctx.operation)) return recorder.around(ctx, ctx.operation, body, send);
    const reply = STREAM_SPECIFYING_OPERATIONS.has(ctx.operation)
      ? await changeTableStream(ctx, body, call, send)
      : await send(body);
    const tables = ctx.world.region(ctx.region).tables;
    if (ctx.operation === 'DescribeTable') {
      const name = replyTableName(reply, 'Table');
      const overlay = name === undefined ? undefined : tables.get(name);
      const described = overlayDescribeTable(
        reply,
        overlay,
        overlay ? tableStatus(overlay, ctx.now()) : undefined,
      );
      return describeTableStream(ctx, described, call);
    }
    if (ctx.operation === 'DeleteTable') {
      // A table created again under the same name starts with no replicas and no status override.
      const name = replyTableName(reply, 'TableDescription');
      if (name !== undefined) disableDeletedTableStream(ctx, name);
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
    streams: dynamoDbStreamsService(call),
    close: async () => {
      agent.destroy();
      await dynalites.close();
    },
  };
}
