import { crc32 } from 'node:zlib';
import { AwsError } from '../../errors.js';
import type { RawReply, RequestContext } from '../../protocols/types.js';
import type { StreamViewType, TableOverlay, TableStream } from '../../world/types.js';
import type { DynaliteCall } from '../dynamodb/source-table.js';
import {
  GLOBAL_TABLE_VIEW_TYPE,
  STREAM_VIEW_TYPES,
  disableStream,
  enableStream,
  enabledStream,
} from './streams.js';

/*
 * The table side of DynamoDB Streams. dynalite silently drops `StreamSpecification` on CreateTable and
 * refuses an UpdateTable carrying only it (replication.md §4), so the sandbox keeps it in the table's
 * overlay and adds `StreamSpecification`, `LatestStreamArn` and `LatestStreamLabel` to the replies of
 * CreateTable, UpdateTable and DescribeTable.
 */

/** The table operations whose requests may carry a StreamSpecification. */
export const STREAM_SPECIFYING_OPERATIONS = new Set(['CreateTable', 'UpdateTable']);

type Member = 'Table' | 'TableDescription';

interface Specification {
  enabled: boolean;
  viewType?: StreamViewType;
}

/**
 * A global table (one with replicas in its overlay) has a NEW_AND_OLD_IMAGES stream always: one is
 * enabled the first time the sandbox needs it.
 */
export async function ensureGlobalStream(
  ctx: RequestContext,
  overlay: TableOverlay,
  call: DynaliteCall,
): Promise<void> {
  const state = ctx.world.region(overlay.region);
  if (overlay.replicas.length === 0 || enabledStream(state, overlay)) return;
  const { status, text } = await call(ctx, overlay.region, 'DescribeTable', { TableName: overlay.tableName });
  if (status !== 200) return;
  const table = (JSON.parse(text) as { Table: { KeySchema: TableStream['keySchema'] } }).Table;
  // A concurrent first write may have made it while DescribeTable was answered.
  if (enabledStream(state, overlay)) return;
  enableStream(
    ctx.world,
    overlay.region,
    overlay.tableName,
    GLOBAL_TABLE_VIEW_TYPE,
    table.KeySchema,
    ctx.now(),
  );
}

/**
 * CreateTable or UpdateTable with the table's stream kept by the sandbox: the specification is checked
 * before anything changes, the rest of the request goes to dynalite (an UpdateTable that carried only
 * the specification is answered here), and the stream is enabled or disabled once dynalite agreed.
 */
export async function changeTableStream(
  ctx: RequestContext,
  body: Buffer,
  call: DynaliteCall,
  send: (body: Buffer) => Promise<RawReply>,
): Promise<RawReply> {
  const input = parseInput(body);
  if (!input || input['StreamSpecification'] === undefined)
    return decorate(ctx, await send(body), 'TableDescription');
  const spec = specification(input['StreamSpecification']);
  const tableName = String(input['TableName'] ?? '');
  const state = ctx.world.region(ctx.region);

  if (ctx.operation === 'CreateTable') {
    const reply = await send(body);
    if (reply.status === 200 && spec.enabled) {
      const keySchema = (input['KeySchema'] ?? []) as TableStream['keySchema'];
      enableStream(ctx.world, ctx.region, tableName, spec.viewType!, keySchema, ctx.now());
    }
    return decorate(ctx, reply, 'TableDescription');
  }

  const described = await call(ctx, ctx.region, 'DescribeTable', { TableName: tableName });
  if (described.status !== 200) {
    throw new AwsError(
      'ResourceNotFoundException',
      `Requested resource not found: Table: ${tableName} not found`,
    );
  }
  const overlay = state.tables.get(tableName);
  if (overlay) await ensureGlobalStream(ctx, overlay, call);
  const current = enabledStream(state, overlay);
  if (spec.enabled && current) {
    throw new AwsError('ValidationException', `Table already has an enabled stream: ${current.arn}`);
  }
  if (!spec.enabled && !current) {
    throw new AwsError('ValidationException', `Table ${tableName} has no enabled stream to disable.`);
  }
  if (!spec.enabled && overlay && overlay.replicas.length > 0) {
    throw new AwsError('ValidationException', 'Disabling Stream is not allowed for a Global Table replica.');
  }

  const { StreamSpecification: _kept, ...rest } = input;
  const others = Object.keys(rest).filter((k) => k !== 'TableName');
  const reply =
    others.length > 0
      ? await send(Buffer.from(JSON.stringify(rest), 'utf8'))
      : json({ TableDescription: (JSON.parse(described.text) as { Table: unknown }).Table });
  if (reply.status !== 200) return reply;
  if (spec.enabled) {
    const keySchema = (JSON.parse(described.text) as { Table: { KeySchema: TableStream['keySchema'] } }).Table
      .KeySchema;
    enableStream(ctx.world, ctx.region, tableName, spec.viewType!, keySchema, ctx.now());
  } else {
    disableStream(state, current!, ctx.now());
  }
  return decorate(ctx, reply, 'TableDescription');
}

/** DescribeTable's reply with the table's stream (a global table's made first when it has none yet). */
export async function describeTableStream(
  ctx: RequestContext,
  reply: RawReply,
  call: DynaliteCall,
): Promise<RawReply> {
  const name = tableName(reply, 'Table');
  const overlay = name === undefined ? undefined : ctx.world.region(ctx.region).tables.get(name);
  if (overlay) await ensureGlobalStream(ctx, overlay, call);
  return decorate(ctx, reply, 'Table');
}

/**
 * A deleted table's stream (DeleteTable, or a replica removed with its Region's table) is disabled; its
 * records stay readable until they expire, as in DynamoDB.
 */
export function disableDeletedTableStream(ctx: RequestContext, name: string, region = ctx.region): void {
  const state = ctx.world.region(region);
  const stream = enabledStream(state, state.tables.get(name));
  if (stream) disableStream(state, stream, ctx.now());
}

/** Adds the overlay's stream to a successful reply about a table; anything else passes through. */
function decorate(ctx: RequestContext, reply: RawReply, member: Member): RawReply {
  const name = tableName(reply, member);
  const state = ctx.world.region(ctx.region);
  const overlay = name === undefined ? undefined : state.tables.get(name);
  const latest = overlay?.latestStreamArn ? state.tableStreams.get(overlay.latestStreamArn) : undefined;
  if (!latest) return reply;
  const output = JSON.parse(text(reply)) as Record<Member, Record<string, unknown>>;
  const table = output[member];
  if (latest.status === 'ENABLED') {
    table['StreamSpecification'] = { StreamEnabled: true, StreamViewType: latest.viewType };
  }
  table['LatestStreamArn'] = latest.arn;
  table['LatestStreamLabel'] = latest.label;
  return json(output, reply);
}

function specification(raw: unknown): Specification {
  const spec = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const expected = `StreamSpecification must be {StreamEnabled: true, StreamViewType: ${STREAM_VIEW_TYPES.join(' | ')}} or {StreamEnabled: false}`;
  if (typeof spec['StreamEnabled'] !== 'boolean') {
    throw new AwsError('ValidationException', `${expected}; StreamEnabled is missing.`);
  }
  if (!spec['StreamEnabled']) return { enabled: false };
  const viewType = spec['StreamViewType'];
  if (!STREAM_VIEW_TYPES.includes(viewType as StreamViewType)) {
    throw new AwsError('ValidationException', `${expected}; got StreamViewType ${String(viewType)}.`);
  }
  return { enabled: true, viewType: viewType as StreamViewType };
}

function parseInput(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function tableName(reply: RawReply, member: Member): string | undefined {
  if (reply.status !== 200) return undefined;
  const output = JSON.parse(text(reply)) as Partial<Record<Member, { TableName?: string }>>;
  return output[member]?.TableName;
}

function text(reply: RawReply): string {
  return typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8');
}

/** A JSON reply; length and checksum describe the body actually sent (the SDK checks x-amz-crc32). */
function json(output: unknown, like?: RawReply): RawReply {
  const body = Buffer.from(JSON.stringify(output), 'utf8');
  return {
    status: 200,
    headers: {
      ...(like?.headers ?? { 'content-type': 'application/x-amz-json-1.0' }),
      'content-length': String(body.length),
      'x-amz-crc32': String(crc32(body)),
    },
    body,
  };
}
