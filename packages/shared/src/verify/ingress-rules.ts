import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/*
 * Whether a security group's ingress rules admit a TCP connection to a port from an address or from
 * another security group, the way EC2 evaluates them: a rule admits when its protocol is TCP (or every
 * protocol, -1), its port range covers the port, and one of its sources (an IPv4 or IPv6 CIDR, or a
 * group) matches. Rules only allow; there is nothing to deny, so one admitting rule is enough.
 */

/** Where a connection comes from: an address (IPv4 or IPv6), or instances in a security group. */
export type IngressSource = { address: string } | { groupId: string };

/** One rule that admits the source, for the diagnosis to name. */
export interface Admission {
  groupId: string;
  groupName?: string;
  /** E.g. `tcp 5432 from 10.0.0.0/16` or `all traffic from sg-0abc…`. */
  rule: string;
}

/** A rule naming a managed prefix list, which this module cannot evaluate without reading the list. */
export interface PrefixListRule {
  groupId: string;
  prefixListId: string;
}

export function admissions(groups: SecurityGroup[], port: number, source: IngressSource): Admission[] {
  const found: Admission[] = [];
  for (const group of groups) {
    for (const permission of group.IpPermissions ?? []) {
      if (!coversPort(permission, port)) continue;
      const from = matchingSource(permission, source);
      if (from === undefined) continue;
      found.push({
        groupId: group.GroupId ?? '?',
        ...(group.GroupName ? { groupName: group.GroupName } : {}),
        rule: `${describePorts(permission)} from ${from}`,
      });
    }
  }
  return found;
}

/** The rules on the port that name a prefix list: they may admit the source too (not evaluated). */
export function prefixListRules(groups: SecurityGroup[], port: number): PrefixListRule[] {
  return groups.flatMap((group) =>
    (group.IpPermissions ?? [])
      .filter((permission) => coversPort(permission, port))
      .flatMap((permission) =>
        (permission.PrefixListIds ?? []).map((list) => ({
          groupId: group.GroupId ?? '?',
          prefixListId: list.PrefixListId ?? '?',
        })),
      ),
  );
}

/** TCP is `tcp` (EC2 may also report the number, 6); `-1` is every protocol and every port. */
function coversPort(permission: IpPermission, port: number): boolean {
  const protocol = permission.IpProtocol?.toLowerCase();
  if (protocol === '-1') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const from = permission.FromPort ?? 0;
  const to = permission.ToPort ?? 65535;
  // -1 as a port means every port (the console's "All" for a TCP rule created through the API).
  return (from === -1 && to === -1) || (from <= port && port <= to);
}

function describePorts(permission: IpPermission): string {
  if (permission.IpProtocol === '-1') return 'all traffic';
  const { FromPort: from, ToPort: to } = permission;
  return from === to ? `tcp ${from}` : `tcp ${from}-${to}`;
}

/** The source of the rule that matches, as it is written in the rule; undefined when none does. */
function matchingSource(permission: IpPermission, source: IngressSource): string | undefined {
  if ('groupId' in source) {
    return permission.UserIdGroupPairs?.find((pair) => pair.GroupId === source.groupId)?.GroupId;
  }
  const address = unmapped(source.address);
  if (isIPv4(address)) {
    return permission.IpRanges?.map((r) => r.CidrIp).find((cidr) => contains(cidr, address, 'ipv4'));
  }
  if (isIPv6(address)) {
    return permission.Ipv6Ranges?.map((r) => r.CidrIpv6).find((cidr) => contains(cidr, address, 'ipv6'));
  }
  return undefined;
}

/** `::ffff:10.0.1.5` is the IPv4 address 10.0.1.5, which the IPv4 ranges govern. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Node's BlockList does the CIDR arithmetic; a range EC2 would never return is simply no match. */
function contains(cidr: string | undefined, address: string, family: 'ipv4' | 'ipv6'): boolean {
  if (!cidr) return false;
  const [network, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!network || bits === undefined || !Number.isInteger(prefix)) return false;
  try {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return list.check(address, family);
  } catch {
    return false;
  }
}
