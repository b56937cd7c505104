import { crc32 } from 'node:zlib';
import type { RawReply } from '../../protocols/types.js';
import type { TableOverlay } from '../../world/types.js';

/** The version of the current global tables (aws.md §9); a table with replicas reports it. */
export const GLOBAL_TABLE_VERSION = '2019.11.21';

type TableDescription = Record<string, unknown> & { TableName?: string };

interface DescribeTableOutput {
  Table?: TableDescription;
}

/**
 * The name of the table a successful reply is about, read from the reply because the request may
 * name the table by ARN. `member` is `Table` for DescribeTable, `TableDescription` for the others.
 */
export function replyTableName(reply: RawReply, member: 'Table' | 'TableDescription'): string | undefined {
  if (reply.status !== 200) return undefined;
  const output = parse(reply) as Record<string, TableDescription | undefined>;
  return output[member]?.TableName;
}

/**
 * Adds the World's view of a table to dynalite's DescribeTable reply: the status a scenario set
 * (a table stuck UPDATING, say) and the replicas of a global table, which dynalite knows nothing of.
 * Errors (ResourceNotFoundException) and tables without an overlay pass through untouched.
 */
export function overlayDescribeTable(
  reply: RawReply,
  overlay: TableOverlay | undefined,
  status?: string,
): RawReply {
  if (reply.status !== 200 || !overlay) return reply;
  const output = parse(reply);
  const table = output.Table;
  if (!table) return reply;
  // While a replica is being removed the table is UPDATING (replica-updates.ts); dynalite's own
  // CREATING or DELETING stands otherwise.
  if (overlay.tableStatus) table.TableStatus = overlay.tableStatus;
  else if (status === 'UPDATING') table.TableStatus = status;
  if (overlay.replicas.length > 0) {
    table.Replicas = overlay.replicas.map((r) => ({
      RegionName: r.regionName,
      ReplicaStatus: r.replicaStatus,
    }));
    table.GlobalTableVersion = GLOBAL_TABLE_VERSION;
  }
  const body = Buffer.from(JSON.stringify(output), 'utf8');
  return {
    status: reply.status,
    // Length and checksum must describe the body actually sent.
    headers: { ...reply.headers, 'content-length': String(body.length), 'x-amz-crc32': String(crc32(body)) },
    body,
  };
}

function parse(reply: RawReply): DescribeTableOutput {
  const text = typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8');
  return JSON.parse(text) as DescribeTableOutput;
}
