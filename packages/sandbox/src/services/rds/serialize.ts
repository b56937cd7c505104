import type { XmlNode } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { DbCluster, DbInstance, GlobalCluster } from '../../world/types.js';
import { clusterParameterGroup } from './cluster-parameters.js';
import { availabilityZones, globalResourceId, instanceZone, resourceId, securityGroupId } from './derived.js';

/*
 * World objects in the XML shapes of the RDS API (2014-10-31). Element names are the model's: list items
 * are `<DBCluster>`, `<DBClusterMember>`, `<DBInstance>`, `<AvailabilityZone>`,
 * `<VpcSecurityGroupMembership>`, `<member>` (Readers), and `<GlobalClusterMember>` both for the
 * members of a global cluster and for the global clusters themselves. An item under another name
 * parses as an empty list, silently. Undefined fields are left out, as AWS leaves out unset ones.
 */

/** `instances` are the cluster's own, writer first (members.ts). */
export function dbClusterXml(cluster: DbCluster, instances: DbInstance[]): XmlNode {
  return {
    AvailabilityZones: xmlList('AvailabilityZone', availabilityZones(cluster.region)),
    DatabaseName: cluster.databaseName,
    DBClusterIdentifier: cluster.identifier,
    Status: cluster.status,
    Endpoint: cluster.endpoint,
    ReaderEndpoint: cluster.readerEndpoint,
    // Instances sit in different zones (derived.ts), so a cluster with a reader is Multi-AZ.
    MultiAZ: instances.length > 1,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    Port: cluster.port,
    MasterUsername: cluster.masterUsername,
    DBClusterParameterGroup: clusterParameterGroup(cluster),
    DBClusterMembers: xmlList(
      'DBClusterMember',
      instances.map((instance) => ({
        DBInstanceIdentifier: instance.identifier,
        IsClusterWriter: instance.isClusterWriter,
        DBClusterParameterGroupStatus: cluster.parameterGroupStatus ?? 'in-sync',
        PromotionTier: 1,
      })),
    ),
    VpcSecurityGroups: xmlList(
      'VpcSecurityGroupMembership',
      (cluster.vpcSecurityGroupIds ?? [securityGroupId(cluster.arn)]).map((id) => ({
        VpcSecurityGroupId: id,
        Status: 'active',
      })),
    ),
    StorageEncrypted: cluster.storageEncrypted,
    DbClusterResourceId: resourceId('cluster', cluster.arn),
    DBClusterArn: cluster.arn,
    ClusterCreateTime: cluster.createdAt,
    EngineMode: 'provisioned',
    DeletionProtection: cluster.deletionProtection,
  };
}

/**
 * `cluster` is the instance's cluster when the world has it (the instance reaches the same server, so
 * its endpoint is the cluster's host and port); `position` is the instance's place among the
 * cluster's instances, which decides its Availability Zone.
 */
export function dbInstanceXml(
  instance: DbInstance,
  cluster: DbCluster | undefined,
  position: number,
): XmlNode {
  return {
    DBInstanceIdentifier: instance.identifier,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    DBInstanceStatus: instance.status,
    MasterUsername: cluster?.masterUsername,
    // AWS has no endpoint for an instance that is still being created.
    Endpoint:
      cluster && instance.status !== 'creating'
        ? { Address: cluster.endpoint, Port: cluster.port }
        : undefined,
    InstanceCreateTime: instance.createdAt,
    AvailabilityZone: instanceZone(instance.region, position),
    MultiAZ: false,
    EngineVersion: cluster?.engineVersion,
    PromotionTier: 1,
    DBClusterIdentifier: instance.clusterIdentifier,
    StorageEncrypted: cluster?.storageEncrypted ?? false,
    DbiResourceId: resourceId('db', instance.arn),
    DBInstanceArn: instance.arn,
  };
}

/** The writer's `Readers` are the other members' cluster ARNs; a secondary has none. */
export function globalClusterXml(global: GlobalCluster): XmlNode {
  return {
    GlobalClusterIdentifier: global.identifier,
    GlobalClusterResourceId: globalResourceId(global.arn),
    GlobalClusterArn: global.arn,
    Status: global.status,
    Engine: global.engine,
    EngineVersion: global.engineVersion,
    StorageEncrypted: global.storageEncrypted,
    DeletionProtection: global.deletionProtection,
    GlobalClusterMembers: xmlList(
      'GlobalClusterMember',
      global.members.map((member) => ({
        DBClusterArn: member.clusterArn,
        Readers: xmlList(
          'member',
          member.isWriter
            ? global.members.filter((other) => other !== member).map((other) => other.clusterArn)
            : [],
        ),
        IsWriter: member.isWriter,
        GlobalWriteForwardingStatus: 'disabled',
        SynchronizationStatus: 'connected',
      })),
    ),
  };
}
