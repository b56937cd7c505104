import type { QueryService } from '../../protocols/types.js';
import { describeDBClusters } from './clusters.js';
import { describeGlobalClusters } from './global-clusters.js';
import { describeDBInstances } from './instances.js';
import { createDBClusterSnapshot, describeDBClusterSnapshots } from './snapshots.js';

/** Amazon RDS over AWS Query (Version 2014-10-31); state per region, global clusters across regions. */
export const rdsService: QueryService = {
  signingName: 'rds',
  version: '2014-10-31',
  xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/',
  operations: {
    DescribeDBClusters: describeDBClusters,
    DescribeDBInstances: describeDBInstances,
    DescribeGlobalClusters: describeGlobalClusters,
    CreateDBClusterSnapshot: createDBClusterSnapshot,
    DescribeDBClusterSnapshots: describeDBClusterSnapshots,
  },
};
