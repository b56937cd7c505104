import { createHash } from 'node:crypto';
import { ACCOUNT_ID, type IpPermissionRule, type SecurityGroup } from '../../world/types.js';
import type { World } from '../../world/world.js';

/*
 * Security groups in the world: scenarios give each Aurora cluster one, and tests take a rule away or
 * put one back to see what the toolkit says about the network path.
 */

/** The VPC of the guide's stack in every region of the sandbox. */
export const SANDBOX_VPC_ID = 'vpc-0a1b2c3d4e5f60718';

/** `sg-` and 17 hex digits, derived from the region and name so that a scenario reload keeps the id. */
export function securityGroupIdFor(region: string, groupName: string): string {
  return `sg-${createHash('sha256').update(`sg:${region}:${groupName}`).digest('hex').slice(0, 17)}`;
}

/** Puts a security group into a region of the world; egress open to everything, as EC2 creates it. */
export function addSecurityGroup(
  world: World,
  region: string,
  groupName: string,
  options: { description?: string; ingress?: IpPermissionRule[] } = {},
): SecurityGroup {
  const group: SecurityGroup = {
    groupId: securityGroupIdFor(region, groupName),
    groupName,
    description: options.description ?? groupName,
    vpcId: SANDBOX_VPC_ID,
    region,
    ownerId: world.accountId,
    ingress: options.ingress ?? [],
    egress: [tcpRule({ protocol: '-1', cidrs: ['0.0.0.0/0'] })],
    tags: [{ key: 'Name', value: groupName }],
  };
  world.region(region).securityGroups.set(group.groupId, group);
  return group;
}

/**
 * An ingress rule: TCP on `port` (or every protocol with `protocol: '-1'`) from CIDRs (IPv4 or IPv6,
 * told apart by a colon) and from other groups of this account.
 */
export function tcpRule(rule: {
  port?: number;
  toPort?: number;
  protocol?: string;
  cidrs?: string[];
  groups?: string[];
  accountId?: string;
}): IpPermissionRule {
  const protocol = rule.protocol ?? 'tcp';
  const cidrs = rule.cidrs ?? [];
  return {
    ipProtocol: protocol,
    ...(protocol === '-1' || rule.port === undefined
      ? {}
      : { fromPort: rule.port, toPort: rule.toPort ?? rule.port }),
    ipRanges: cidrs.filter((c) => !c.includes(':')).map((cidr) => ({ cidr })),
    ipv6Ranges: cidrs.filter((c) => c.includes(':')).map((cidr) => ({ cidr })),
    groups: (rule.groups ?? []).map((groupId) => ({ groupId, userId: rule.accountId ?? ACCOUNT_ID })),
    prefixListIds: [],
  };
}

/** Where the runner connects from in the sandbox: everything listens on, and connects from, loopback. */
export const SANDBOX_RUNNER_CIDR = '127.0.0.1/32';

/** The application's security group of an environment in a region (its instances run in it). */
export function addAppSecurityGroup(world: World, region: string, environment: string): SecurityGroup {
  return addSecurityGroup(world, region, `app-${environment}`, {
    description: `Application instances of ${environment}`,
  });
}

/**
 * The security group of an Aurora cluster as the guide's stack makes it: PostgreSQL on the cluster's
 * port from the application's group and from the runner that runs the migration.
 */
export function addDatabaseSecurityGroup(
  world: World,
  region: string,
  clusterIdentifier: string,
  port: number,
  appGroupId: string,
): SecurityGroup {
  return addSecurityGroup(world, region, `${clusterIdentifier}-db`, {
    description: `PostgreSQL of ${clusterIdentifier}`,
    ingress: [tcpRule({ port, groups: [appGroupId], cidrs: [SANDBOX_RUNNER_CIDR] })],
  });
}
