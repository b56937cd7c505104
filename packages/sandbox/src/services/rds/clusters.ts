import type { QueryHandler } from '../../protocols/types.js';
import { xmlList } from '../../protocols/xml.js';
import type { DbCluster } from '../../world/types.js';
import { dbClusterNotFound } from './errors.js';
import { clusterInstances } from './members.js';
import { applyFilters, namesResource, paginate, type FilterMatchers } from './params.js';
import { resourceId } from './derived.js';
import { dbClusterXml } from './serialize.js';

/** The filters DescribeDBClusters documents. The world has no clones or directory domains. */
const filters: FilterMatchers<DbCluster> = {
  'db-cluster-id': (cluster, value) => namesResource(value, cluster),
  'db-cluster-resource-id': (cluster, value) => resourceId('cluster', cluster.arn) === value,
  engine: (cluster, value) => cluster.engine === value,
  'clone-group-id': () => false,
  domain: () => false,
};

/** DescribeDBClusters: the clusters of the caller's region, with their members from the world's instances. */
export const describeDBClusters: QueryHandler = (ctx, params) => {
  let clusters = [...ctx.world.region(ctx.region).clusters.values()];
  const identifier = params.get('DBClusterIdentifier');
  if (identifier !== null) {
    clusters = clusters.filter((cluster) => namesResource(identifier, cluster));
    if (clusters.length === 0) throw dbClusterNotFound(identifier);
  }
  clusters = applyFilters(clusters, params, filters);
  const page = paginate(clusters, params, (cluster) => cluster.identifier.toLowerCase());
  return {
    Marker: page.marker,
    DBClusters: xmlList(
      'DBCluster',
      page.items.map((cluster) => dbClusterXml(cluster, clusterInstances(ctx.world, cluster))),
    ),
  };
};
