import { paginateDescribeDBClusterParameters, type DBCluster, type RDSClient } from '@aws-sdk/client-rds';

/*
 * A setting of an Aurora cluster's DB cluster parameter group, as logical replication needs to read it
 * (replication.md §1.2: `rds.logical_replication = 1`, then a reboot of the writer). The group says what
 * was asked for; the writer member's DBClusterParameterGroupStatus says whether the server runs with it
 * yet (`pending-reboot` until the reboot), which is why the server's own `SHOW wal_level` is checked too.
 */

export interface ClusterParameter {
  /** The cluster's parameter group, e.g. `default.aurora-postgresql15` or a custom one. */
  group: string;
  /** The value set in the group; undefined when the group leaves it at the engine default. */
  value?: string;
  /** The writer's DBClusterParameterGroupStatus: `in-sync`, `pending-reboot`, `applying`. */
  writerStatus?: string;
}

export async function readClusterParameter(
  rds: RDSClient,
  cluster: DBCluster,
  name: string,
): Promise<ClusterParameter | undefined> {
  const group = cluster.DBClusterParameterGroup;
  if (!group) return undefined;
  const writer = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter);
  const found: ClusterParameter = {
    group,
    ...(writer?.DBClusterParameterGroupStatus ? { writerStatus: writer.DBClusterParameterGroupStatus } : {}),
  };
  // The `parameter-name` filter (the only one DescribeDBClusterParameters supports) asks for one; the pages
  // are still followed, as a reply may come in pages whatever the filter.
  for await (const page of paginateDescribeDBClusterParameters(
    { client: rds, pageSize: 100 },
    { DBClusterParameterGroupName: group, Filters: [{ Name: 'parameter-name', Values: [name] }] },
  )) {
    const parameter = page.Parameters?.find((p) => p.ParameterName === name);
    if (parameter)
      return {
        ...found,
        ...(parameter.ParameterValue !== undefined ? { value: parameter.ParameterValue } : {}),
      };
  }
  return found;
}
