import type { QueryHandler, QueryService } from '../../protocols/types.js';
import { describeDBClusterParameters } from './cluster-parameters.js';
import { describeDBClusters } from './clusters.js';
import { deleteDBCluster } from './delete-db-cluster.js';
import { deleteDBInstance } from './delete-db-instance.js';
import { describeGlobalClusters } from './global-clusters.js';
import { deleteGlobalCluster, modifyGlobalCluster, removeFromGlobalCluster } from './global-membership.js';
import { describeDBInstances } from './instances.js';
import { settleLifecycles } from './lifecycle.js';
import { modifyDBCluster } from './modify-db-cluster.js';
import { createDBClusterSnapshot, describeDBClusterSnapshots } from './snapshots.js';

const operations: Record<string, QueryHandler> = {
  DescribeDBClusters: describeDBClusters,
  DescribeDBClusterParameters: describeDBClusterParameters,
  DescribeDBInstances: describeDBInstances,
  DescribeGlobalClusters: describeGlobalClusters,
  CreateDBClusterSnapshot: createDBClusterSnapshot,
  DescribeDBClusterSnapshots: describeDBClusterSnapshots,
  DeleteDBInstance: deleteDBInstance,
  DeleteDBCluster: deleteDBCluster,
  ModifyDBCluster: modifyDBCluster,
  RemoveFromGlobalCluster: removeFromGlobalCluster,
  DeleteGlobalCluster: deleteGlobalCluster,
  ModifyGlobalCluster: modifyGlobalCluster,
};

/**
 * Every operation first brings the world to the request's time (lifecycle.ts): what has finished
 * deleting is gone and what has finished promoting is available before the handler looks.
 */
function settledFirst(handlers: Record<string, QueryHandler>): Record<string, QueryHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]): [string, QueryHandler] => [
      name,
      (ctx, params) => {
        settleLifecycles(ctx.world, ctx.now());
        return handler(ctx, params);
      },
    ]),
  );
}

/** Amazon RDS over AWS Query (Version 2014-10-31); state per region, global clusters across regions. */
export const rdsService: QueryService = {
  signingName: 'rds',
  version: '2014-10-31',
  xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/',
  operations: settledFirst(operations),
};
