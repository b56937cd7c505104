import type { XmlNode } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import { progressAt } from '../../world/progress.js';
import type { ClusterSnapshot } from '../../world/types.js';
import { availabilityZones, resourceId } from './derived.js';

/** A snapshot's status at `now`: `creating`, then `available`, or `failed` for a cluster whose snapshots fail. */
export function snapshotStatus(snapshot: ClusterSnapshot, now: Date): { status: string; percent: number } {
  const progress = progressAt(snapshot.createdAt, snapshot.durationMs, now);
  if (!progress.finished) return { status: 'creating', percent: progress.percent };
  // A failing snapshot fails at the end of its run, having copied nearly everything.
  return snapshot.fails ? { status: 'failed', percent: 99 } : { status: 'available', percent: 100 };
}

/**
 * A `<DBClusterSnapshot>` in the shape of the RDS API: list items are `<AvailabilityZone>` and `<Tag>`
 * (an item under another name parses as an empty list, silently). Aurora reports AllocatedStorage 0.
 */
export function dbClusterSnapshotXml(snapshot: ClusterSnapshot, now: Date): XmlNode {
  const { status, percent } = snapshotStatus(snapshot, now);
  return {
    AvailabilityZones: xmlList('AvailabilityZone', availabilityZones(snapshot.region)),
    DBClusterSnapshotIdentifier: snapshot.identifier,
    DBClusterIdentifier: snapshot.clusterIdentifier,
    SnapshotCreateTime: snapshot.createdAt,
    Engine: snapshot.cluster.engine,
    EngineMode: 'provisioned',
    AllocatedStorage: 0,
    Status: status,
    Port: snapshot.cluster.port,
    ClusterCreateTime: snapshot.cluster.createdAt,
    MasterUsername: snapshot.cluster.masterUsername,
    EngineVersion: snapshot.cluster.engineVersion,
    LicenseModel: 'postgresql-license',
    SnapshotType: 'manual',
    PercentProgress: percent,
    StorageEncrypted: snapshot.cluster.storageEncrypted,
    DBClusterSnapshotArn: snapshot.arn,
    IAMDatabaseAuthenticationEnabled: false,
    TagList: xmlList(
      'Tag',
      snapshot.tags.map((tag) => ({ Key: tag.key, Value: tag.value })),
    ),
    DbClusterResourceId: resourceId('cluster', snapshot.cluster.arn),
  };
}
