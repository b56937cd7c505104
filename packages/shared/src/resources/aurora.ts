import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  paginateDescribeDBInstances,
  type DBCluster,
  type DBInstance,
  type GlobalCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { isNotFound } from '../errors/index.js';

/** One cluster by identifier; `undefined` when it does not exist (not found is a state, not a failure). */
export async function describeCluster(rds: RDSClient, identifier: string): Promise<DBCluster | undefined> {
  try {
    const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: identifier }));
    return out.DBClusters?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Every instance of a cluster, discovered through the `db-cluster-id` filter (paginated), never assumed
 * to be the guide's instances 0 and 1.
 */
export async function describeClusterInstances(
  rds: RDSClient,
  clusterIdentifier: string,
): Promise<DBInstance[]> {
  const instances: DBInstance[] = [];
  const pages = paginateDescribeDBInstances(
    { client: rds },
    { Filters: [{ Name: 'db-cluster-id', Values: [clusterIdentifier] }] },
  );
  for await (const page of pages) instances.push(...(page.DBInstances ?? []));
  return instances;
}

/** A global cluster; it is the same from every region, so any region's client will do. */
export async function describeGlobalCluster(
  rds: RDSClient,
  identifier: string,
): Promise<GlobalCluster | undefined> {
  try {
    const out = await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: identifier }));
    return out.GlobalClusters?.[0];
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
