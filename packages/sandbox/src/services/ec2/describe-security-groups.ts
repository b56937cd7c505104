import { AwsError } from '../../errors.js';
import type { QueryParams, RequestContext, XmlNode } from '../../protocols/types.js';
import type { SecurityGroup } from '../../world/types.js';
import { ec2Filters, ec2List } from './protocol.js';
import { securityGroupXml } from './serialize.js';

const GROUP_ID = /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/** The filters the sandbox knows, by EC2's names; any other is refused as EC2 refuses an unknown one. */
const FILTERS: Record<string, (group: SecurityGroup) => string[]> = {
  'group-id': (g) => [g.groupId],
  'group-name': (g) => [g.groupName],
  'vpc-id': (g) => [g.vpcId],
  'owner-id': (g) => [g.ownerId],
  'ip-permission.group-id': (g) => g.ingress.flatMap((r) => r.groups.map((p) => p.groupId)),
  'ip-permission.cidr': (g) => g.ingress.flatMap((r) => r.ipRanges.map((range) => range.cidr)),
};

/**
 * DescribeSecurityGroups: by `GroupId.N`, `GroupName.N` and `Filter.N`, the region's groups in id
 * order; pages with `MaxResults` and `NextToken` (the group id to start after). A named group that
 * does not exist fails the whole call (InvalidGroup.NotFound), as in EC2.
 */
export function describeSecurityGroups(ctx: RequestContext, params: QueryParams): XmlNode {
  const region = ctx.world.region(ctx.region);
  if (region.securityGroupsDenied) {
    throw new AwsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: arn:aws:sts::${ctx.world.accountId}:assumed-role/` +
        'sandbox/session is not authorized to perform: ec2:DescribeSecurityGroups because no ' +
        'identity-based policy allows the ec2:DescribeSecurityGroups action',
      403,
    );
  }
  const ids = ec2List(params, 'GroupId');
  const names = ec2List(params, 'GroupName');
  for (const id of ids) {
    if (!GROUP_ID.test(id)) {
      throw new AwsError('InvalidGroupId.Malformed', `Invalid id: "${id}" (expecting "sg-...")`);
    }
    if (!region.securityGroups.has(id)) {
      throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    }
  }
  const all = [...region.securityGroups.values()];
  for (const name of names) {
    if (!all.some((g) => g.groupName === name)) {
      throw new AwsError(
        'InvalidGroup.NotFound',
        `The security group '${name}' does not exist in default VPC '${all[0]?.vpcId ?? 'vpc-none'}'`,
      );
    }
  }
  const filters = ec2Filters(params);
  for (const name of filters.keys()) {
    if (!FILTERS[name]) throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
  const matching = all
    .filter((g) => ids.length === 0 || ids.includes(g.groupId))
    .filter((g) => names.length === 0 || names.includes(g.groupName))
    .filter((g) => [...filters].every(([name, values]) => FILTERS[name]!(g).some((v) => values.includes(v))))
    .sort((a, b) => a.groupId.localeCompare(b.groupId));

  const after = params.get('NextToken');
  const start = after ? matching.findIndex((g) => g.groupId > after) : 0;
  const remaining = start < 0 ? [] : matching.slice(start);
  const max = params.has('MaxResults') ? Number(params.get('MaxResults')) : undefined;
  if (max !== undefined && (!Number.isInteger(max) || max < 5 || max > 1000)) {
    throw new AwsError(
      'InvalidParameterValue',
      `Value ( ${params.get('MaxResults')} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
    );
  }
  const page = max === undefined ? remaining : remaining.slice(0, max);
  const more = page.length < remaining.length;
  return {
    securityGroupInfo: page.length === 0 ? '' : { item: page.map(securityGroupXml) },
    nextToken: more ? page[page.length - 1]!.groupId : undefined,
  };
}
