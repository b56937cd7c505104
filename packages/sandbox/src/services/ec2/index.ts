import type { RawReply, RequestContext } from '../../protocols/types.js';
import { describeSecurityGroups } from './describe-security-groups.js';
import { dispatchEc2, type Ec2Handler } from './protocol.js';

/*
 * Amazon EC2, only what the toolkit reads: DescribeSecurityGroups, for verify-v2's diagnosis of a v2
 * writer it cannot reach. Nothing here changes a group; tests change the world directly.
 */

export { EC2_SIGNING_NAME, ec2Error, ec2Operation } from './protocol.js';
export {
  addAppSecurityGroup,
  addDatabaseSecurityGroup,
  addSecurityGroup,
  securityGroupIdFor,
  tcpRule,
  SANDBOX_RUNNER_CIDR,
  SANDBOX_VPC_ID,
} from './security-groups.js';

const operations: Record<string, Ec2Handler> = {
  DescribeSecurityGroups: describeSecurityGroups,
};

export function answerEc2(ctx: RequestContext, body: Buffer): RawReply {
  return dispatchEc2(ctx, body, operations);
}
