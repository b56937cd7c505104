import type { QueryService } from '../../protocols/types.js';
import { describeAutoScalingGroups } from './groups.js';
import { cancelInstanceRefresh, describeInstanceRefreshes, startInstanceRefresh } from './refreshes.js';

/**
 * Amazon EC2 Auto Scaling over AWS Query (Version 2011-01-01): the application's groups per Region and
 * their instance refreshes, which the sandbox's fleet carries out.
 */
export const autoScalingService: QueryService = {
  signingName: 'autoscaling',
  version: '2011-01-01',
  xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
  operations: {
    DescribeAutoScalingGroups: describeAutoScalingGroups,
    StartInstanceRefresh: startInstanceRefresh,
    DescribeInstanceRefreshes: describeInstanceRefreshes,
    CancelInstanceRefresh: cancelInstanceRefresh,
  },
};
