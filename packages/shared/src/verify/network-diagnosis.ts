import type { EC2Client, SecurityGroup } from '@aws-sdk/client-ec2';
import type { DBCluster } from '@aws-sdk/client-rds';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIPv6 } from 'node:net';
import { describeAwsError } from '../errors/index.js';
import { describeSecurityGroups } from '../resources/security-groups.js';
import { admissions, prefixListRules, type Admission } from './ingress-rules.js';

/*
 * The guide's troubleshooting for "cannot connect to v2": a connection that times out is most often a
 * security group without a rule for the caller. When the writer does not answer, the cluster's groups
 * are read and judged against this runner's address and, when given, the application's group; the
 * missing rule is printed as the command that would add it. Nothing here changes a group.
 */

/**
 * Whether a failed connection timed out, rather than being refused or rejected: pg's own connection
 * timeout (`timeout expired`), or the operating system's (ETIMEDOUT). Only these point at a network
 * path that drops packets; a refused password, a TLS failure or ECONNREFUSED came back from somewhere.
 */
export function isConnectTimeout(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ETIMEDOUT' || message === 'timeout expired';
}

/**
 * The address this runner connects to `host` from: the source address the kernel picks for that
 * destination, found by connecting a UDP socket (which sends nothing) and reading its local end. It is
 * the address a security group sees when the runner is in the VPC or reaches it without NAT.
 */
export async function runnerAddressTowards(host: string, port: number): Promise<string> {
  const destination = await lookup(host);
  const socket = createSocket(destination.family === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, destination.address, () => resolve());
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

export interface NetworkPathInput {
  ec2: EC2Client;
  region: string;
  cluster: DBCluster;
  /** The address this runner connects from; undefined when it could not be found (`runnerUnknown` says why). */
  runnerAddress?: string;
  runnerUnknown?: string;
  /** `app-security-group`: the group the application (or this runner) runs in. */
  appSecurityGroup?: string;
}

export interface NetworkPathDiagnosis {
  /** true: a rule admits the runner or the application's group; false: none does; undefined: not known. */
  open: boolean | undefined;
  /** Sentences for the check's detail. */
  text: string;
  /** The commands that would add the missing rules, for a person to run. */
  fixes: string[];
}

/** Where to look when the security groups admit the connection and it still times out. */
const ELSEWHERE =
  'look elsewhere: the network ACLs of the subnets of the cluster and of this runner (inbound to the ' +
  'port and outbound ephemeral ports back), the route tables (a runner in another VPC or on premises ' +
  'needs peering, a transit gateway or a VPN, and a route both ways), whether this runner runs in or ' +
  'is connected to the VPC at all (a GitHub-hosted runner is not), and DNS (the endpoint must resolve ' +
  'to the private addresses of the cluster)';

export async function diagnoseNetworkPath(input: NetworkPathInput): Promise<NetworkPathDiagnosis> {
  const { cluster, region } = input;
  const port = cluster.Port ?? 5432;
  const name = cluster.DBClusterIdentifier ?? 'the v2 cluster';
  const groupIds = (cluster.VpcSecurityGroups ?? [])
    .map((membership) => membership.VpcSecurityGroupId)
    .filter((id): id is string => id !== undefined);
  if (groupIds.length === 0) {
    return {
      open: undefined,
      text: `${name} lists no VPC security groups, so there is no rule to check; ${ELSEWHERE}.`,
      fixes: [],
    };
  }
  let groups: SecurityGroup[];
  try {
    groups = await describeSecurityGroups(input.ec2, groupIds);
  } catch (error) {
    // Reported, not thrown: the check fails for the timeout either way. No resource in the advice:
    // EC2's Describe actions take no resource-level permissions (the policy says "*").
    return {
      open: undefined,
      text:
        `The security groups of ${name} (${groupIds.join(', ')}) could not be read, so whether they ` +
        `admit TCP ${port} is not known: ${describeAwsError(error)}`,
      fixes: [],
    };
  }

  const named = groups.map(groupLabel).join(', ');
  const sentences: string[] = [];
  const fixes: string[] = [];
  // The first group is where a rule goes: any group of the cluster admits for all of them.
  const target = groups[0]?.GroupId ?? groupIds[0]!;
  const fix = (source: string) =>
    `aws ec2 authorize-security-group-ingress --region ${region} --group-id ${target} ${source}`;

  let runnerAdmitted: Admission[] = [];
  if (input.runnerAddress !== undefined) {
    const address = input.runnerAddress;
    runnerAdmitted = admissions(groups, port, { address });
    if (runnerAdmitted.length > 0) {
      sentences.push(
        `TCP ${port} from this runner's address ${address} is admitted by ${listed(runnerAdmitted)}.`,
      );
    } else {
      sentences.push(
        `No rule of ${named} admits TCP ${port} from this runner's address ${address} (the address it ` +
          `connects from; a runner behind NAT or a VPN is seen from that device's address instead).`,
      );
      fixes.push(
        fix(
          isIPv6(address)
            ? `--ip-permissions IpProtocol=tcp,FromPort=${port},ToPort=${port},Ipv6Ranges=[{CidrIpv6=${address}/128}]`
            : `--protocol tcp --port ${port} --cidr ${address}/32`,
        ),
      );
    }
  } else {
    sentences.push(
      `This runner's address is not known (${input.runnerUnknown ?? 'no route to the endpoint'}).`,
    );
  }

  let appAdmitted: Admission[] = [];
  if (input.appSecurityGroup !== undefined) {
    const app = input.appSecurityGroup;
    appAdmitted = admissions(groups, port, { groupId: app });
    if (appAdmitted.length > 0) {
      sentences.push(`TCP ${port} from the app security group ${app} is admitted by ${listed(appAdmitted)}.`);
    } else {
      sentences.push(`No rule of ${named} admits TCP ${port} from the app security group ${app}.`);
      fixes.push(fix(`--protocol tcp --port ${port} --source-group ${app}`));
    }
  }

  const open = runnerAdmitted.length > 0 || appAdmitted.length > 0;
  const lists = prefixListRules(groups, port);
  if (!open && lists.length > 0) {
    sentences.push(
      `A rule naming a prefix list (${lists.map((l) => `${l.prefixListId} in ${l.groupId}`).join(', ')}) ` +
        'may admit it too: its entries were not read.',
    );
  }
  if (open) {
    sentences.push(`The network path is open as far as the security groups of ${name} go; ${ELSEWHERE}.`);
  }
  if (fixes.length > 0) {
    sentences.push(
      `To add the missing rule${fixes.length > 1 ? ' (either one)' : ''}, run (nothing here changes a ` +
        `security group): ${fixes.join(' ; or ')}`,
    );
  }
  // Neither source known: the groups were read, but there was nothing to judge them against.
  const judged = input.runnerAddress !== undefined || input.appSecurityGroup !== undefined;
  return { open: judged ? open : undefined, text: sentences.join(' '), fixes };
}

function groupLabel(group: SecurityGroup): string {
  return group.GroupName ? `${group.GroupId} (${group.GroupName})` : (group.GroupId ?? '?');
}

function listed(found: Admission[]): string {
  return found.map((a) => `${a.groupId}${a.groupName ? ` (${a.groupName})` : ''}: ${a.rule}`).join('; ');
}
