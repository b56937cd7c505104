import { EC2Client, type IpPermission, type SecurityGroup as Ec2Group } from '@aws-sdk/client-ec2';
import type { DBCluster } from '@aws-sdk/client-rds';
import { Sandbox, sandboxClient, type IpPermissionRule, type SecurityGroup } from '@dbmig/sandbox';
import { admissions, prefixListRules } from './ingress-rules.js';
import { diagnoseNetworkPath, isConnectTimeout, runnerAddressTowards } from './network-diagnosis.js';

const APP = 'sg-0a1b2c3d4e5f67890';
const DB = 'sg-0fedcba9876543210';

/** A group as DescribeSecurityGroups returns it, with these ingress rules. */
function group(permissions: IpPermission[], id = DB): Ec2Group {
  return { GroupId: id, GroupName: 'aurora-v2-dev-db', IpPermissions: permissions };
}

describe('admissions: whether an ingress rule admits TCP to the port', () => {
  const tcp = (from: number, to: number, rest: Partial<IpPermission>): IpPermission => ({
    IpProtocol: 'tcp',
    FromPort: from,
    ToPort: to,
    ...rest,
  });

  it.each<[string, IpPermission, string]>([
    [
      'a /32 of the address',
      tcp(5432, 5432, { IpRanges: [{ CidrIp: '10.0.1.23/32' }] }),
      'tcp 5432 from 10.0.1.23/32',
    ],
    [
      'the VPC range',
      tcp(5432, 5432, { IpRanges: [{ CidrIp: '10.0.0.0/16' }] }),
      'tcp 5432 from 10.0.0.0/16',
    ],
    [
      'a port range covering 5432',
      tcp(5000, 6000, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
      'tcp 5000-6000 from 0.0.0.0/0',
    ],
    [
      'every protocol',
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
      'all traffic from 10.0.0.0/8',
    ],
    [
      'TCP by number',
      { IpProtocol: '6', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.1.0/24' }] },
      'tcp 5432 from 10.0.1.0/24',
    ],
  ])('admits the runner through %s', (_, permission, rule) => {
    expect(admissions([group([permission])], 5432, { address: '10.0.1.23' })).toEqual([
      { groupId: DB, groupName: 'aurora-v2-dev-db', rule },
    ]);
  });

  it.each<[string, IpPermission]>([
    ['another address', tcp(5432, 5432, { IpRanges: [{ CidrIp: '10.0.1.24/32' }] })],
    ['another range', tcp(5432, 5432, { IpRanges: [{ CidrIp: '10.1.0.0/16' }] })],
    ['another port', tcp(3306, 3306, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })],
    ['UDP', { IpProtocol: 'udp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    ['an IPv6 range only', tcp(5432, 5432, { Ipv6Ranges: [{ CidrIpv6: '::/0' }] })],
    ['a group only', tcp(5432, 5432, { UserIdGroupPairs: [{ GroupId: APP }] })],
    ['a malformed range', tcp(5432, 5432, { IpRanges: [{ CidrIp: '10.0.1.23' }] })],
  ])('does not admit the runner through %s', (_, permission) => {
    expect(admissions([group([permission])], 5432, { address: '10.0.1.23' })).toEqual([]);
  });

  it('reads IPv6 ranges for an IPv6 address, and IPv4 ranges for an IPv4-mapped one', () => {
    const rules = [
      tcp(5432, 5432, { Ipv6Ranges: [{ CidrIpv6: '2001:db8::/56' }], IpRanges: [{ CidrIp: '10.0.0.0/16' }] }),
    ];
    expect(admissions([group(rules)], 5432, { address: '2001:db8::1:5' })).toHaveLength(1);
    expect(admissions([group(rules)], 5432, { address: '2001:db9::1' })).toHaveLength(0);
    expect(admissions([group(rules)], 5432, { address: '::ffff:10.0.3.4' })).toHaveLength(1);
  });

  it('admits a security group named in a rule, and only that one', () => {
    const rules = [tcp(5432, 5432, { UserIdGroupPairs: [{ GroupId: APP, UserId: '123456789012' }] })];
    expect(admissions([group(rules)], 5432, { groupId: APP })).toEqual([
      { groupId: DB, groupName: 'aurora-v2-dev-db', rule: `tcp 5432 from ${APP}` },
    ]);
    expect(admissions([group(rules)], 5432, { groupId: 'sg-0123456789abcdef0' })).toEqual([]);
  });

  it('names the rules with a prefix list, which it cannot evaluate', () => {
    const rules = [tcp(5432, 5432, { PrefixListIds: [{ PrefixListId: 'pl-0abc' }] })];
    expect(prefixListRules([group(rules)], 5432)).toEqual([{ groupId: DB, prefixListId: 'pl-0abc' }]);
    expect(prefixListRules([group(rules)], 3306)).toEqual([]);
  });
});

describe('isConnectTimeout', () => {
  it("is true for pg's connection timeout and the system's ETIMEDOUT only", () => {
    expect(isConnectTimeout(new Error('timeout expired'))).toBe(true);
    expect(
      isConnectTimeout(Object.assign(new Error('connect ETIMEDOUT 10.0.1.5:5432'), { code: 'ETIMEDOUT' })),
    ).toBe(true);
    expect(isConnectTimeout(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      false,
    );
    expect(
      isConnectTimeout(Object.assign(new Error('password authentication failed'), { code: '28P01' })),
    ).toBe(false);
    expect(
      isConnectTimeout(Object.assign(new Error('self-signed'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' })),
    ).toBe(false);
    expect(isConnectTimeout(undefined)).toBe(false);
  });
});

describe('runnerAddressTowards', () => {
  it('is the local address the kernel routes from, without sending anything', async () => {
    expect(await runnerAddressTowards('127.0.0.1', 5432)).toBe('127.0.0.1');
    expect(await runnerAddressTowards('localhost', 5432)).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe('diagnoseNetworkPath against the sandbox', () => {
  let sandbox: Sandbox;
  let ec2: EC2Client;
  beforeAll(async () => {
    sandbox = await Sandbox.start();
    ec2 = sandboxClient(EC2Client, sandbox, 'us-east-1');
  });
  afterAll(async () => {
    ec2.destroy();
    await sandbox.stop();
  });
  beforeEach(() => sandbox.world.clear());

  const rule = (cidrs: string[], groups: string[] = []): IpPermissionRule => ({
    ipProtocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    ipRanges: cidrs.map((cidr) => ({ cidr })),
    ipv6Ranges: [],
    groups: groups.map((groupId) => ({ groupId, userId: '123456789012' })),
    prefixListIds: [],
  });
  function worldGroup(ingress: IpPermissionRule[]): SecurityGroup {
    const g: SecurityGroup = {
      groupId: DB,
      groupName: 'aurora-v2-primary-dev-db',
      description: 'PostgreSQL of v2',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      region: 'us-east-1',
      ownerId: '123456789012',
      ingress,
      egress: [],
      tags: [],
    };
    sandbox.world.region('us-east-1').securityGroups.set(g.groupId, g);
    return g;
  }
  const cluster: DBCluster = {
    DBClusterIdentifier: 'aurora-v2-primary-dev',
    Port: 5432,
    VpcSecurityGroups: [{ VpcSecurityGroupId: DB, Status: 'active' }],
  };
  const diagnose = (extra: { runnerAddress?: string; appSecurityGroup?: string }) =>
    diagnoseNetworkPath({ ec2, region: 'us-east-1', cluster, ...extra });

  it('without a rule for the runner: names the group and prints the command that adds it', async () => {
    worldGroup([rule(['10.9.0.0/16'])]);
    const d = await diagnose({ runnerAddress: '10.0.1.23' });
    expect(d.open).toBe(false);
    expect(d.text).toContain(
      `No rule of ${DB} (aurora-v2-primary-dev-db) admits TCP 5432 from this runner's address 10.0.1.23`,
    );
    expect(d.fixes).toEqual([
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${DB} --protocol tcp --port 5432 --cidr 10.0.1.23/32`,
    ]);
    expect(d.text).toContain(d.fixes[0]);
    expect(d.text).not.toMatch(/look elsewhere/);
  });

  it('with the rule: the path is open as far as the groups go, and it points elsewhere', async () => {
    worldGroup([rule(['10.0.0.0/16'])]);
    const d = await diagnose({ runnerAddress: '10.0.1.23' });
    expect(d.open).toBe(true);
    expect(d.fixes).toEqual([]);
    expect(d.text).toContain(`admitted by ${DB} (aurora-v2-primary-dev-db): tcp 5432 from 10.0.0.0/16`);
    expect(d.text).toMatch(/network path is open .* look elsewhere: the network ACLs .* route tables .* DNS/);
  });

  it('an IPv6 runner gets the --ip-permissions form of the command', async () => {
    worldGroup([rule(['10.0.0.0/16'])]);
    const d = await diagnose({ runnerAddress: '2001:db8::7' });
    expect(d.fixes).toEqual([
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${DB} --ip-permissions ` +
        'IpProtocol=tcp,FromPort=5432,ToPort=5432,Ipv6Ranges=[{CidrIpv6=2001:db8::7/128}]',
    ]);
  });

  it('the app security group: admitted opens the path; not admitted prints --source-group', async () => {
    worldGroup([rule([], [APP])]);
    const admitted = await diagnose({ runnerAddress: '10.0.1.23', appSecurityGroup: APP });
    expect(admitted.open).toBe(true);
    expect(admitted.text).toContain(`from the app security group ${APP} is admitted by ${DB}`);
    // The runner's own address still lacks a rule: that command is offered, the path counts as open.
    expect(admitted.fixes).toHaveLength(1);
    expect(admitted.fixes[0]).toContain('--cidr 10.0.1.23/32');

    const other = 'sg-0123456789abcdef0';
    const refused = await diagnose({ runnerAddress: '10.0.1.23', appSecurityGroup: other });
    expect(refused.open).toBe(false);
    expect(refused.text).toContain(
      `No rule of ${DB} (aurora-v2-primary-dev-db) admits TCP 5432 from the app security group ${other}`,
    );
    expect(refused.fixes).toContain(
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${DB} --protocol tcp --port 5432 --source-group ${other}`,
    );
  });

  it('a group that does not exist, or a role that may not read groups: said, not thrown', async () => {
    const missing = await diagnose({ runnerAddress: '10.0.1.23' });
    expect(missing.open).toBeUndefined();
    expect(missing.text).toContain(`could not be read`);
    expect(missing.text).toContain('InvalidGroup.NotFound');

    worldGroup([rule(['10.0.0.0/16'])]);
    sandbox.world.region('us-east-1').securityGroupsDenied = true;
    const denied = await diagnose({ runnerAddress: '10.0.1.23' });
    expect(denied.open).toBeUndefined();
    expect(denied.text).toMatch(/Access denied .*UnauthorizedOperation/);
  });

  it('a cluster without VPC security groups: nothing to check, and no EC2 call', async () => {
    const before = sandbox.requests.length;
    const d = await diagnoseNetworkPath({
      ec2,
      region: 'us-east-1',
      cluster: { ...cluster, VpcSecurityGroups: [] },
      runnerAddress: '10.0.1.23',
    });
    expect(d.open).toBeUndefined();
    expect(d.text).toContain('lists no VPC security groups');
    expect(sandbox.requests.length).toBe(before);
  });
});
