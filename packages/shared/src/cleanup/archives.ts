import { createHash } from 'node:crypto';
import { DescribeDBClusterSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MigrationConfig } from '../config/types.js';
import { isNotFound } from '../errors/index.js';
import type { JsonObject, LedgerEvent } from '../ledger/event.js';
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerView } from '../ledger/view.js';
import type { Check } from '../report/report.js';
import { rdsIdentifier, type BackupTag } from '../resources/backup-names.js';
import { createClusterSnapshot } from '../resources/cluster-snapshot.js';
import { describeExport, enablePointInTimeRecovery, exportTable } from '../resources/table-export.js';
import { CLEANUP_EVENTS } from './events.js';
import type { InventoryCluster, V1Inventory } from './inventory.js';

/*
 * Step 4.2, awaited and recorded: a final snapshot of each v1 cluster in its own Region and an export of
 * the v1 table to S3. Each archive goes into the ledger (archive-made) with its identifier, ARN and state
 * as soon as AWS reports it finished, and a later run reuses an archive recorded since the cutover that
 * is still available instead of making another.
 */

export type ArchiveKind = 'cluster-snapshot' | 'table-export';

export interface ArchiveRecord {
  kind: ArchiveKind;
  /** The v1 resource archived. */
  source: string;
  region: string;
  /** The snapshot identifier, or the export's S3 location. */
  identifier: string;
  arn: string;
  state: string;
  retainUntil?: string;
  itemCount?: number;
  billedSizeBytes?: number;
  bucket?: string;
  prefix?: string;
  manifest?: string;
  /** True when an archive recorded by an earlier run was found still available and kept. */
  reused: boolean;
}

export interface ArchiveNames {
  snapshots: Record<string, string>;
  exportPrefix: string;
  clientToken: string;
}

/** What this run calls its archives: unique per run, the same on a re-run of one attempt. */
export function archiveNames(config: MigrationConfig, runToken: string, awsNow: Date): ArchiveNames {
  const day = awsNow.toISOString().slice(0, 10).replace(/-/g, '');
  return {
    snapshots: Object.fromEntries(
      [config.v1.primaryCluster, config.v1.drCluster].map((c) => [
        c,
        rdsIdentifier(c, `final-archive-${runToken}`),
      ]),
    ),
    exportPrefix: `dynamodb-archives/${config.environment}/${config.v1.table}-${day}-${runToken}/`,
    clientToken: createHash('sha256').update(`${config.v1.table}:${runToken}`).digest('hex').slice(0, 32),
  };
}

/** The tags of a final snapshot (the guide's Purpose and RetainUntil, plus who and where). */
export function archiveTags(environment: string, retainUntil: string, runUrl?: string): BackupTag[] {
  return [
    { Key: 'Purpose', Value: 'ArchiveBeforeV2Migration' },
    { Key: 'RetainUntil', Value: retainUntil },
    { Key: 'Environment', Value: environment },
    ...(runUrl ? [{ Key: 'RunUrl', Value: runUrl }] : []),
  ];
}

export interface ArchiveContext {
  config: MigrationConfig;
  inventory: V1Inventory;
  view: LedgerView;
  /** Archives recorded after this event count (the cutover's completion). */
  since: LedgerEvent;
  ledger: Ledger;
  rds(region: string): RDSClient;
  dynamodb(region: string): DynamoDBClient;
  names: ArchiveNames;
  retainUntil: string;
  runUrl?: string;
  bucket: string;
  enablePointInTimeRecovery: boolean;
  pointInTimeRecovery: boolean;
  waitSeconds: number;
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
  log: (line: string) => void;
}

/** Makes (or finds) every archive side by side; guards 7 and 8 are the checks returned. */
export async function makeArchives(
  ctx: ArchiveContext,
): Promise<{ archives: ArchiveRecord[]; checks: Check[] }> {
  const recorded = ctx.view
    .since(ctx.since, CLEANUP_EVENTS.archiveMade)
    .map((e) => e.data as unknown as ArchiveRecord);
  const roles: { identifier: string; region: string }[] = [
    { identifier: ctx.config.v1.primaryCluster, region: ctx.config.regions.primary },
    { identifier: ctx.config.v1.drCluster, region: ctx.config.regions.dr },
  ];
  const results = await Promise.all([
    ...roles.map((role) => snapshotArchive(ctx, role, recorded)),
    tableArchive(ctx, recorded),
  ]);
  return {
    archives: results.flatMap((r) => (r.archive ? [r.archive] : [])),
    checks: results.map((r) => r.check),
  };
}

type Outcome = { archive?: ArchiveRecord; check: Check };

async function snapshotArchive(
  ctx: ArchiveContext,
  role: { identifier: string; region: string },
  recorded: ArchiveRecord[],
): Promise<Outcome> {
  const base = {
    id: 'final-snapshot',
    title: 'A final snapshot of the v1 cluster is available (step 4.2)',
    region: role.region,
    resource: role.identifier,
  };
  const rds = ctx.rds(role.region);
  for (const earlier of recorded.filter(
    (r) => r.kind === 'cluster-snapshot' && same(r.source, role.identifier),
  )) {
    const status = await snapshotStatus(rds, earlier.identifier);
    if (status === 'available') {
      return {
        archive: { ...earlier, state: status, reused: true },
        check: { ...base, status: 'pass', detail: `${earlier.identifier} (recorded earlier) is available.` },
      };
    }
  }
  const cluster: InventoryCluster | undefined = ctx.inventory.clusters.find((c) =>
    same(c.identifier, role.identifier),
  );
  if (!cluster) {
    return {
      check: {
        ...base,
        status: 'fail',
        detail: `${role.identifier} no longer exists and no available final snapshot of it is recorded in the ledger.`,
      },
    };
  }
  try {
    const snapshot = await createClusterSnapshot(rds, {
      clusterIdentifier: cluster.identifier,
      snapshotIdentifier: ctx.names.snapshots[role.identifier]!,
      tags: archiveTags(ctx.config.environment, ctx.retainUntil, ctx.runUrl),
      maxWaitSeconds: ctx.waitSeconds,
      log: ctx.log,
      consequence: {
        timeout: 'Nothing of v1 is deleted without its final archive.',
        failed: 'v1 has no final archive, so nothing of v1 was deleted.',
      },
      ...(ctx.minDelaySeconds !== undefined ? { minDelaySeconds: ctx.minDelaySeconds } : {}),
      ...(ctx.maxDelaySeconds !== undefined ? { maxDelaySeconds: ctx.maxDelaySeconds } : {}),
    });
    const archive: ArchiveRecord = {
      kind: 'cluster-snapshot',
      source: cluster.identifier,
      region: role.region,
      identifier: snapshot.identifier,
      arn: snapshot.arn,
      state: snapshot.status,
      retainUntil: ctx.retainUntil,
      reused: false,
    };
    await record(ctx, archive);
    return { archive, check: { ...base, status: 'pass', detail: `${snapshot.identifier} is available.` } };
  } catch (error) {
    return { check: { ...base, status: 'fail', detail: messageOf(error) } };
  }
}

async function tableArchive(ctx: ArchiveContext, recorded: ArchiveRecord[]): Promise<Outcome> {
  const region = ctx.config.regions.primary;
  const table = ctx.config.v1.table;
  const base = {
    id: 'table-export',
    title: 'The v1 table was exported to S3 and the export is COMPLETED (step 4.2)',
    region,
    resource: table,
  };
  const dynamodb = ctx.dynamodb(region);
  for (const earlier of recorded.filter((r) => r.kind === 'table-export' && r.source === table)) {
    const now = await describeExport(dynamodb, earlier.arn, earlier.bucket ?? '', earlier.prefix ?? '');
    if (now?.status === 'COMPLETED') {
      return {
        archive: { ...earlier, state: now.status, reused: true },
        check: { ...base, status: 'pass', detail: `${earlier.identifier} (recorded earlier) is COMPLETED.` },
      };
    }
  }
  const source = ctx.inventory.table;
  if (!source) {
    return {
      check: {
        ...base,
        status: 'fail',
        detail: `${table} no longer exists and no COMPLETED export of it is recorded in the ledger.`,
      },
    };
  }
  try {
    if (!ctx.pointInTimeRecovery) {
      // Only reached when the input allows it: the pre-change guard refused otherwise.
      ctx.log(`Turning on point-in-time recovery for ${table} (${region}) so that it can be exported.`);
      await enablePointInTimeRecovery(dynamodb, table);
    }
    const exported = await exportTable(dynamodb, {
      tableArn: source.arn,
      tableName: table,
      bucket: ctx.bucket,
      prefix: ctx.names.exportPrefix,
      clientToken: ctx.names.clientToken,
      maxWaitSeconds: ctx.waitSeconds,
      log: ctx.log,
      ...(ctx.minDelaySeconds !== undefined ? { minDelaySeconds: ctx.minDelaySeconds } : {}),
      ...(ctx.maxDelaySeconds !== undefined ? { maxDelaySeconds: ctx.maxDelaySeconds } : {}),
    });
    const archive: ArchiveRecord = {
      kind: 'table-export',
      source: table,
      region,
      identifier: `s3://${exported.bucket}/${exported.prefix}`,
      arn: exported.arn,
      state: exported.status,
      ...(exported.itemCount !== undefined ? { itemCount: exported.itemCount } : {}),
      ...(exported.billedSizeBytes !== undefined ? { billedSizeBytes: exported.billedSizeBytes } : {}),
      bucket: exported.bucket,
      prefix: exported.prefix,
      ...(exported.manifest ? { manifest: exported.manifest } : {}),
      reused: false,
    };
    await record(ctx, archive);
    const size = exported.billedSizeBytes !== undefined ? `, ${exported.billedSizeBytes} bytes` : '';
    return {
      archive,
      check: {
        ...base,
        status: 'pass',
        detail: `${archive.identifier} is COMPLETED: ${exported.itemCount ?? 'unknown'} items${size}.`,
      },
    };
  } catch (error) {
    return { check: { ...base, status: 'fail', detail: messageOf(error) } };
  }
}

async function record(ctx: ArchiveContext, archive: ArchiveRecord): Promise<void> {
  const { reused: _reused, ...data } = archive;
  await ctx.ledger.append({
    type: CLEANUP_EVENTS.archiveMade,
    id: `archive-${createHash('sha256').update(archive.arn).digest('hex').slice(0, 24)}`,
    data: data as unknown as JsonObject,
  });
  ctx.log(`Recorded the archive ${archive.identifier} (${archive.arn}) in the ledger.`);
}

async function snapshotStatus(rds: RDSClient, identifier: string): Promise<string | undefined> {
  try {
    const out = await rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }),
    );
    return out.DBClusterSnapshots?.[0]?.Status;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
