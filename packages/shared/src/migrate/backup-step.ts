import { readRunContext, runToken } from '../github/run-context.js';
import { backupNames, backupTags } from '../resources/backup-names.js';
import { createClusterSnapshot } from '../resources/cluster-snapshot.js';
import { createTableBackup } from '../resources/table-backup.js';
import type { BackupRecord, MigrateContext, PlannedStep } from './types.js';

/** A cluster snapshot of a large cluster can take a while; a backup that takes longer than this fails. */
const MAX_WAIT_SECONDS = 2 * 60 * 60;

/**
 * Step 2.1: a cluster snapshot of the v1 primary cluster and an on-demand backup of the v1 table, with
 * identifiers unique per run (the guide's `$(date +%Y%m%d)` collides on a second run the same day), tagged,
 * and awaited until available. A re-run of the same workflow attempt adopts what it already made.
 */
export async function planBackupStep(ctx: MigrateContext): Promise<PlannedStep> {
  const { config } = ctx;
  const region = config.regions.primary;
  const run = readRunContext();
  const names = backupNames(config, runToken(run));
  const tags = backupTags(config, run);
  const tagText = tags.map((t) => `${t.Key}=${t.Value}`).join(', ');
  return {
    step: 'backup',
    lines: [
      `create cluster snapshot ${names.clusterSnapshot} of ${config.v1.primaryCluster} (${region}), tags ${tagText}; wait until available`,
      `create backup ${names.tableBackup} of table ${config.v1.table} (${region}); wait until AVAILABLE`,
    ],
    run: async () => {
      // Both awaited even when one fails, so that the log says what became of each.
      const [snapshotOutcome, backupOutcome] = await Promise.allSettled([
        createClusterSnapshot(ctx.clients.rds(region), {
          clusterIdentifier: config.v1.primaryCluster,
          snapshotIdentifier: names.clusterSnapshot,
          tags,
          maxWaitSeconds: MAX_WAIT_SECONDS,
          log: ctx.log,
        }),
        createTableBackup(ctx.clients.dynamodb(region), {
          tableName: config.v1.table,
          backupName: names.tableBackup,
          maxWaitSeconds: MAX_WAIT_SECONDS,
          log: ctx.log,
        }),
      ]);
      if (snapshotOutcome.status === 'rejected') {
        if (backupOutcome.status === 'rejected')
          ctx.log(`backup failed too: ${String(backupOutcome.reason)}`);
        throw snapshotOutcome.reason;
      }
      if (backupOutcome.status === 'rejected') throw backupOutcome.reason;
      const snapshot = snapshotOutcome.value;
      const backup = backupOutcome.value;
      const backups: BackupRecord[] = [
        {
          kind: 'cluster-snapshot',
          region,
          resource: config.v1.primaryCluster,
          identifier: snapshot.identifier,
          arn: snapshot.arn,
          status: snapshot.status,
        },
        {
          kind: 'table-backup',
          region,
          resource: config.v1.table,
          identifier: backup.name,
          arn: backup.arn,
          status: backup.status,
        },
      ];
      return { backups };
    },
  };
}
