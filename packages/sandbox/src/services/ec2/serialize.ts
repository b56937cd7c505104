import type { XmlNode, XmlValue } from '../../protocols/types.js';
import type { IpPermissionRule, SecurityGroup } from '../../world/types.js';

/*
 * World security groups in EC2's XML shapes (2016-11-15): lowerCamel element names and `<item>` for
 * every list member, as the SDK's schema names them (`xmlName`); an element under another name parses
 * as nothing, silently.
 */

function items(values: XmlValue[]): XmlNode | string {
  return values.length === 0 ? '' : { item: values };
}

function permissionXml(rule: IpPermissionRule): XmlNode {
  return {
    ipProtocol: rule.ipProtocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    groups: items(
      rule.groups.map((pair) => ({
        description: pair.description,
        userId: pair.userId,
        groupId: pair.groupId,
      })),
    ),
    ipRanges: items(rule.ipRanges.map((range) => ({ description: range.description, cidrIp: range.cidr }))),
    ipv6Ranges: items(
      rule.ipv6Ranges.map((range) => ({ description: range.description, cidrIpv6: range.cidr })),
    ),
    prefixListIds: items(rule.prefixListIds.map((prefixListId) => ({ prefixListId }))),
  };
}

export function securityGroupXml(group: SecurityGroup): XmlNode {
  return {
    groupId: group.groupId,
    ipPermissionsEgress: items(group.egress.map(permissionXml)),
    tagSet: items(group.tags.map((tag) => ({ key: tag.key, value: tag.value }))),
    vpcId: group.vpcId,
    securityGroupArn: `arn:aws:ec2:${group.region}:${group.ownerId}:security-group/${group.groupId}`,
    ownerId: group.ownerId,
    groupName: group.groupName,
    groupDescription: group.description,
    ipPermissions: items(group.ingress.map(permissionXml)),
  };
}
