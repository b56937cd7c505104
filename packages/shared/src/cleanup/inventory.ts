import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { MigrationConfig } from '../config/types.js';
import { isNotFound } from '../errors/index.js';
import { describeCluster, describeClusterInstances, describeGlobalCluster } from '../resources/aurora.js';
import { describeTable } from '../resources/dynamodb-table.js';

/*
 * Step 4.3 starts from what exists, never from the guide's instances 0 and 1: the v1 global cluster and
 * its members as DescribeGlobalClusters lists them, every instance each member cluster has, the v1 table
 * and its replicas, and the v1 secret. The configured cluster names are described too, so that a cluster
 * already detached from the global cluster by a run that crashed is still found and finished.
 */

export type ClusterRole = 'primary' | 'dr';

export interface InventoryInstance {
  identifier: string;
  status: string;
}

export interface InventoryCluster {
  role: ClusterRole;
  region: string;
  identifier: string;
  arn: string;
  status: string;
  deletionProtection: boolean;
  /** Whether the global cluster still lists it as a member. */
  globalMember: boolean;
  isWriter: boolean;
  endpoints: string[];
  port?: number;
  instances: InventoryInstance[];
}

export interface InventoryGlobalCluster {
  identifier: string;
  arn: string;
  status: string;
  deletionProtection: boolean;
  /** Member cluster ARNs, as AWS lists them. */
  members: { arn: string; isWriter: boolean }[];
}

export interface InventoryTable {
  name: string;
  region: string;
  arn: string;
  status: string;
  replicas: { region: string; status: string }[];
  /** DynamoDB's own deletion protection (DeletionProtectionEnabled): DeleteTable is refused while it is on. */
  deletionProtection?: boolean;
}

export interface InventorySecret {
  name: string;
  region: string;
  arn: string;
  /** Set when its deletion is already scheduled. */
  deletedDate?: Date;
}

/** Something found where v1 is looked for that the configured v1 names do not account for. */
export interface Stranger {
  resource: string;
  region?: string;
  why: string;
}

export interface V1Inventory {
  globalCluster?: InventoryGlobalCluster;
  clusters: InventoryCluster[];
  table?: InventoryTable;
  secret?: InventorySecret;
  strangers: Stranger[];
}

export interface InventoryClients {
  rds(region: string): RDSClient;
  dynamodb(region: string): DynamoDBClient;
  secretsManager(region: string): SecretsManagerClient;
}

export async function discoverInventory(
  config: MigrationConfig,
  clients: InventoryClients,
): Promise<V1Inventory> {
  const { regions, v1 } = config;
  const strangers: Stranger[] = [];
  const [global, table, secret] = await Promise.all([
    describeGlobalCluster(clients.rds(regions.primary), v1.globalCluster),
    describeTable(clients.dynamodb(regions.primary), v1.table),
    describeSecret(clients.secretsManager(regions.primary), v1.secret),
  ]);
  const globalCluster: InventoryGlobalCluster | undefined = global
    ? {
        identifier: global.GlobalClusterIdentifier ?? v1.globalCluster,
        arn: global.GlobalClusterArn ?? '',
        status: global.Status ?? 'unknown',
        deletionProtection: global.DeletionProtection === true,
        members: (global.GlobalClusterMembers ?? []).map((m) => ({
          arn: m.DBClusterArn ?? '',
          isWriter: m.IsWriter === true,
        })),
      }
    : undefined;

  const expected: Record<ClusterRole, { region: string; identifier: string; pattern: string }> = {
    primary: { region: regions.primary, identifier: v1.primaryCluster, pattern: v1.primaryInstancePattern },
    dr: { region: regions.dr, identifier: v1.drCluster, pattern: v1.drInstancePattern },
  };
  for (const member of globalCluster?.members ?? []) {
    const parsed = parseClusterArn(member.arn);
    const known = Object.values(expected).some(
      (e) => parsed && e.region === parsed.region && same(e.identifier, parsed.identifier),
    );
    if (!known) {
      strangers.push({
        resource: member.arn,
        ...(parsed ? { region: parsed.region } : {}),
        why:
          `is a member of the v1 global cluster ${v1.globalCluster} but is neither ${v1.primaryCluster} ` +
          `(${regions.primary}) nor ${v1.drCluster} (${regions.dr}), the configured v1 clusters`,
      });
    }
  }

  const clusters = await Promise.all(
    (Object.keys(expected) as ClusterRole[]).map(async (role) => {
      const { region, identifier, pattern } = expected[role];
      const rds = clients.rds(region);
      const cluster = await describeCluster(rds, identifier);
      if (!cluster) return undefined;
      const arn = cluster.DBClusterArn ?? '';
      const member = globalCluster?.members.find((m) => same(m.arn, arn));
      const instances = await describeClusterInstances(rds, cluster.DBClusterIdentifier ?? identifier);
      for (const instance of instances) {
        const name = instance.DBInstanceIdentifier ?? '';
        if (!matchesPattern(name, pattern)) {
          strangers.push({
            resource: name,
            region,
            why: `is an instance of the v1 cluster ${identifier} but does not match the v1 instance pattern ${pattern}`,
          });
        }
      }
      if (cluster.GlobalClusterIdentifier && !same(cluster.GlobalClusterIdentifier, v1.globalCluster)) {
        strangers.push({
          resource: identifier,
          region,
          why: `belongs to the global cluster ${cluster.GlobalClusterIdentifier}, not to the v1 global cluster ${v1.globalCluster}`,
        });
      }
      const inventory: InventoryCluster = {
        role,
        region,
        identifier: cluster.DBClusterIdentifier ?? identifier,
        arn,
        status: cluster.Status ?? 'unknown',
        deletionProtection: cluster.DeletionProtection === true,
        globalMember: member !== undefined,
        isWriter: member?.isWriter === true,
        endpoints: [cluster.Endpoint, cluster.ReaderEndpoint].filter((e): e is string => !!e),
        ...(cluster.Port !== undefined ? { port: cluster.Port } : {}),
        instances: instances.map((i) => ({
          identifier: i.DBInstanceIdentifier ?? '',
          status: i.DBInstanceStatus ?? 'unknown',
        })),
      };
      return inventory;
    }),
  );

  return {
    ...(globalCluster ? { globalCluster } : {}),
    clusters: clusters.filter((c): c is InventoryCluster => c !== undefined),
    ...(table
      ? {
          table: {
            name: table.TableName ?? v1.table,
            region: regions.primary,
            arn: table.TableArn ?? '',
            status: table.TableStatus ?? 'unknown',
            ...(table.DeletionProtectionEnabled ? { deletionProtection: true } : {}),
            replicas: (table.Replicas ?? [])
              .filter((r) => r.RegionName && r.RegionName !== regions.primary)
              .map((r) => ({ region: r.RegionName!, status: r.ReplicaStatus ?? 'unknown' })),
          },
        }
      : {}),
    ...(secret ? { secret: { ...secret, region: regions.primary } } : {}),
    strangers,
  };
}

/** Whether anything of v1 is left to delete (a secret scheduled for deletion counts as done). */
export function inventoryEmpty(inventory: V1Inventory): boolean {
  return (
    !inventory.globalCluster &&
    inventory.clusters.length === 0 &&
    !inventory.table &&
    (!inventory.secret || inventory.secret.deletedDate !== undefined)
  );
}

async function describeSecret(
  client: SecretsManagerClient,
  name: string,
): Promise<Omit<InventorySecret, 'region'> | undefined> {
  try {
    const out = await client.send(new DescribeSecretCommand({ SecretId: name }));
    return {
      name: out.Name ?? name,
      arn: out.ARN ?? '',
      ...(out.DeletedDate ? { deletedDate: out.DeletedDate } : {}),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** `arn:aws:rds:us-east-2:123:cluster:dr-db-cluster-dev` → its Region and identifier. */
export function parseClusterArn(arn: string): { region: string; identifier: string } | undefined {
  const match = /^arn:[^:]+:rds:([^:]+):[^:]*:cluster:(.+)$/.exec(arn);
  return match ? { region: match[1]!, identifier: match[2]! } : undefined;
}

/** `primary-db-instance-{i}-dev` matches `primary-db-instance-3-dev`: `{i}` is any number. */
export function matchesPattern(name: string, pattern: string): boolean {
  const [head, tail] = pattern.split('{i}') as [string, string | undefined];
  if (tail === undefined) return same(name, pattern);
  const lower = name.toLowerCase();
  const h = head.toLowerCase();
  const t = tail.toLowerCase();
  if (!lower.startsWith(h) || !lower.endsWith(t) || lower.length <= h.length + t.length) return false;
  return /^\d+$/.test(lower.slice(h.length, lower.length - t.length));
}

/** RDS identifiers and ARNs are not case-sensitive. */
function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
