import type { Agent } from 'node:http';
import { SANDBOX_CREDENTIALS } from '../../credentials.js';
import type { RequestContext } from '../../protocols/types.js';
import { forward } from './forward.js';
import type { RegionalDynalites } from './regional-dynalites.js';

/** What a backup records of its table, read from dynalite's DescribeTable. */
export interface SourceTable {
  name: string;
  arn: string;
  id: string;
  /** TableStatus, with the World's override applied (a table stuck UPDATING cannot be backed up). */
  status: string;
  sizeBytes: number;
  itemCount: number;
  keySchema: { AttributeName: string; KeyType: string }[];
  createdAt: Date;
  billingMode: string;
}

/** The table named `name` in the caller's region, or undefined when dynalite has no such table. */
export type ReadSourceTable = (ctx: RequestContext, name: string) => Promise<SourceTable | undefined>;

interface DescribedTable {
  TableName: string;
  TableArn: string;
  TableId: string;
  TableStatus: string;
  TableSizeBytes?: number;
  ItemCount?: number;
  KeySchema: { AttributeName: string; KeyType: string }[];
  CreationDateTime: number;
  BillingModeSummary?: { BillingMode?: string };
}

/**
 * Backups are kept by the sandbox, beside dynalite, which has none; the table itself is dynalite's.
 * This asks the region's dynalite for it with a DescribeTable of the sandbox's own, signed as the SDK
 * signs (dynalite checks that a SigV4 header is present, never the signature).
 */
export function sourceTableReader(agent: Agent, dynalites: RegionalDynalites): ReadSourceTable {
  const call = dynaliteCaller(agent, dynalites);
  return async (ctx, name) => {
    const { status, text } = await call(ctx, ctx.region, 'DescribeTable', { TableName: name });
    const reply = { status };
    if (reply.status !== 200) {
      if (text.includes('ResourceNotFoundException')) return undefined;
      throw new Error(`sandbox: dynalite refused DescribeTable ${name}: ${text}`);
    }
    const table = (JSON.parse(text) as { Table: DescribedTable }).Table;
    const overlay = ctx.world.region(ctx.region).tables.get(table.TableName);
    return {
      name: table.TableName,
      arn: table.TableArn,
      id: table.TableId,
      status: overlay?.tableStatus ?? table.TableStatus,
      sizeBytes: table.TableSizeBytes ?? 0,
      itemCount: table.ItemCount ?? 0,
      keySchema: table.KeySchema,
      createdAt: new Date(table.CreationDateTime * 1000),
      billingMode: table.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
    };
  };
}

/** A call of the sandbox's own to a Region's dynalite: the status and the reply's text. */
export type DynaliteCall = (
  ctx: RequestContext,
  region: string,
  operation: string,
  input: Record<string, unknown>,
) => Promise<{ status: number; text: string }>;

/** Calls dynalite as the SDK would, signed as the SDK signs (dynalite checks that a SigV4 header is present, never the signature). */
export function dynaliteCaller(agent: Agent, dynalites: RegionalDynalites): DynaliteCall {
  return async (ctx, region, operation, input) => {
    const body = Buffer.from(JSON.stringify(input), 'utf8');
    const reply = await forward(agent, await dynalites.port(region), body, {
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-date': amzDate(ctx.now()),
      authorization:
        `AWS4-HMAC-SHA256 Credential=${SANDBOX_CREDENTIALS.accessKeyId}/${amzDate(ctx.now()).slice(0, 8)}/` +
        `${region}/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0`,
    });
    return {
      status: reply.status,
      text: typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8'),
    };
  };
}

/** `20260301T120000Z`, the X-Amz-Date form. */
function amzDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
