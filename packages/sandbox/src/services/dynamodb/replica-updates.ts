import { crc32 } from 'node:zlib';
import { AwsError } from '../../errors.js';
import type { RawReply, RequestContext } from '../../protocols/types.js';
import type { TableOverlay } from '../../world/types.js';
import { hasRun, startTransition } from '../rds/lifecycle.js';
import { disableDeletedTableStream } from '../dynamodb-streams/table-stream.js';
import type { DynaliteCall } from './source-table.js';

/*
 * Global tables (version 2019.11.21) seen from the sandbox: UpdateTable with ReplicaUpdates Delete
 * removes a Region's replica (DELETING, then gone with the table in that Region, the table itself
 * UPDATING meanwhile), and DeleteTable is refused while the table still has replicas, so that a cleanup
 * must remove the replicas first. That DeleteTable refusal is a conservative choice: AWS's documents for
 * this version describe removing replicas before deleting the last table, without naming the error a
 * DeleteTable with replicas left gets; the sandbox answers ValidationException.
 */

export async function settleReplicas(ctx: RequestContext, call: DynaliteCall): Promise<void> {
  const now = ctx.now();
  for (const region of ctx.world.regionNames()) {
    for (const overlay of ctx.world.region(region).tables.values()) {
      const gone = overlay.replicas.filter((r) => hasRun(r.deletion, now));
      if (gone.length === 0) continue;
      overlay.replicas = overlay.replicas.filter((r) => !gone.includes(r));
      for (const replica of gone) {
        // The replica is the table of the same name in that Region: it goes too.
        await call(ctx, replica.regionName, 'DeleteTable', { TableName: overlay.tableName });
        const there = ctx.world.region(replica.regionName);
        disableDeletedTableStream(ctx, overlay.tableName, replica.regionName);
        there.tables.delete(overlay.tableName);
        there.pointInTimeRecoveryTables.delete(overlay.tableName);
      }
    }
  }
}

/** UpdateTable with ReplicaUpdates: the sandbox's own answer; undefined for any other UpdateTable. */
export async function updateReplicas(
  ctx: RequestContext,
  input: Record<string, unknown>,
  call: DynaliteCall,
): Promise<RawReply | undefined> {
  const updates = input['ReplicaUpdates'];
  if (updates === undefined) return undefined;
  const name = String(input['TableName'] ?? '');
  const overlay = ctx.world.region(ctx.region).tables.get(name);
  const described = await call(ctx, ctx.region, 'DescribeTable', { TableName: name });
  if (described.status !== 200 || !overlay) {
    throw new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
  }
  if (!Array.isArray(updates) || updates.length === 0) {
    throw new AwsError('ValidationException', 'ReplicaUpdates must list at least one update.');
  }
  if (tableStatus(overlay, ctx.now()) !== 'ACTIVE') {
    throw new AwsError(
      'ResourceInUseException',
      `Attempt to change a resource which is still in use: Table: ${name} is being updated`,
    );
  }
  for (const update of updates as Record<string, { RegionName?: string } | undefined>[]) {
    const region = update['Delete']?.RegionName;
    if (!region || Object.keys(update).length !== 1) {
      throw new AwsError(
        'ValidationException',
        'The sandbox supports only ReplicaUpdates of the form {Delete: {RegionName}}.',
      );
    }
    const replica = overlay.replicas.find((r) => r.regionName === region);
    if (!replica) {
      throw new AwsError(
        'ValidationException',
        `Cannot delete a replica in ${region}: the table has no replica there.`,
      );
    }
  }
  for (const update of updates as { Delete: { RegionName: string } }[]) {
    const replica = overlay.replicas.find((r) => r.regionName === update.Delete.RegionName)!;
    replica.replicaStatus = 'DELETING';
    replica.deletion = startTransition(ctx.now(), ctx.world.tableTimings.replicaDeleteMs);
  }
  const table = JSON.parse(described.text) as { Table: Record<string, unknown> };
  return json({
    TableDescription: {
      ...table.Table,
      TableStatus: 'UPDATING',
      Replicas: overlay.replicas.map((r) => ({ RegionName: r.regionName, ReplicaStatus: r.replicaStatus })),
    },
  });
}

/** DeleteTable of a table that still has replicas: refused (see above). */
export function refuseDeleteWithReplicas(ctx: RequestContext, input: Record<string, unknown>): void {
  const name = String(input['TableName'] ?? '');
  const overlay = ctx.world.region(ctx.region).tables.get(name);
  if (overlay && overlay.replicas.length > 0) {
    throw new AwsError(
      'ValidationException',
      `Table ${name} still has replicas in ${overlay.replicas.map((r) => r.regionName).join(', ')}: remove them ` +
        `(UpdateTable ReplicaUpdates Delete) before deleting the table.`,
    );
  }
}

/** The status a table shows: UPDATING while a replica is being removed, else the overlay's or ACTIVE. */
export function tableStatus(overlay: TableOverlay, now: Date): string {
  if (overlay.replicas.some((r) => r.deletion && !hasRun(r.deletion, now))) return 'UPDATING';
  return overlay.tableStatus ?? 'ACTIVE';
}

function json(output: unknown): RawReply {
  const body = Buffer.from(JSON.stringify(output), 'utf8');
  return {
    status: 200,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amz-crc32': String(crc32(body)),
    },
    body,
  };
}
