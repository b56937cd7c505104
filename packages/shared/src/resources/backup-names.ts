import { createHash } from 'node:crypto';
import type { MigrationConfig } from '../config/types.js';
import type { RunContext } from '../github/run-context.js';

/** What step 2.1 calls its backups of v1 for one run (see {@link backupNames}). */
export interface BackupNames {
  /** DBClusterSnapshotIdentifier of the v1 primary cluster's snapshot. */
  clusterSnapshot: string;
  /** BackupName of the v1 table's on-demand backup. */
  tableBackup: string;
}

/** A tag as both RDS and DynamoDB take it. */
export interface BackupTag {
  Key: string;
  Value: string;
}

/** RDS: 1–63 letters, digits or hyphens, a letter first, no `--`, no hyphen last (stored lower-case). */
const RDS_MAX = 63;
/** DynamoDB backup names: 3–255 of [A-Za-z0-9_.-]. */
const DYNAMODB_MAX = 255;
/** Length of the digest that keeps two long names apart once they are shortened. */
const DIGEST_LENGTH = 6;

/**
 * The names of the run's backups: `<v1 resource>-premigration-<run token>`, e.g.
 * `primary-db-cluster-dev-premigration-r123-1`. Unique per run and attempt (the guide's
 * `$(date +%Y%m%d)` collides on a second run the same day) and the same on a re-run of one attempt,
 * which then adopts what the first try made. A name that would be too long keeps its run suffix whole
 * and shortens the resource part, adding a digest of the full name so that two long names that share
 * a beginning stay apart.
 */
export function backupNames(config: MigrationConfig, runToken: string): BackupNames {
  return {
    clusterSnapshot: rdsIdentifier(config.v1.primaryCluster, `premigration-${runToken}`),
    tableBackup: dynamodbBackupName(config.v1.table, `premigration-${runToken}`),
  };
}

/** Purpose, Environment and, when the run is known, RunUrl: what a person finding the snapshot needs. */
export function backupTags(config: MigrationConfig, run: Pick<RunContext, 'runUrl'>): BackupTag[] {
  const tags: BackupTag[] = [
    { Key: 'Purpose', Value: 'PreMigrationBackup' },
    { Key: 'Environment', Value: config.environment },
  ];
  if (run.runUrl !== undefined) tags.push({ Key: 'RunUrl', Value: run.runUrl });
  return tags;
}

export function rdsIdentifier(resource: string, suffix: string): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '');
  const tail = clean(suffix);
  let head = clean(resource);
  // The identifier must start with a letter, whatever the resource's name starts with.
  if (!/^[a-z]/.test(head)) head = `db${head === '' ? '' : `-${head}`}`;
  return join(head, tail, RDS_MAX, resource);
}

export function dynamodbBackupName(resource: string, suffix: string): string {
  const clean = (text: string) => text.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return join(clean(resource), clean(suffix), DYNAMODB_MAX, resource);
}

/** `<head>-<tail>` within `max`, shortening `head` (never `tail`) and marking it with a digest. */
function join(head: string, tail: string, max: number, original: string): string {
  if (head.length + 1 + tail.length <= max) return `${head}-${tail}`;
  const digest = createHash('sha256').update(original).digest('hex').slice(0, DIGEST_LENGTH);
  const room = max - tail.length - digest.length - 2;
  if (room < 1) throw new Error(`backup name suffix "${tail}" leaves no room for the resource name`);
  const shortened = head.slice(0, room).replace(/-+$/, '');
  return `${shortened}-${digest}-${tail}`;
}
