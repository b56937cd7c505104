import { createServer, type Server, type Socket } from 'node:net';
import {
  freePort,
  startLab,
  type DbCluster,
  type IpPermissionRule,
  type Lab,
  type SecurityGroup,
} from '@dbmig/sandbox';
import { everythingPrinted, reportOf, runVerify, type ReportCheck } from './run-verify.js';

/*
 * The guide's troubleshooting, "cannot connect to v2": the v2 writer endpoint is pointed at a local
 * listener that accepts TCP and never answers, as a writer behind a security group that drops the
 * packets looks to the client (the connection times out). The cluster's security group in the
 * sandbox is then given or denied the rule, and the diagnosis must say which.
 */

let lab: Lab;
let blackhole: Server;
let port: number;
const held: Socket[] = [];
let cluster: DbCluster;
let group: SecurityGroup;
let appGroupId: string;
let original: { endpoint: string; port: number; ingress: IpPermissionRule[] };

beforeAll(async () => {
  lab = await startLab();
  blackhole = createServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  port = (blackhole.address() as { port: number }).port;
  const region = lab.sandbox.world.region(lab.config.regions.primary);
  cluster = region.clusters.get(lab.config.v2.primaryCluster)!;
  group = region.securityGroups.get(cluster.vpcSecurityGroupIds![0]!)!;
  appGroupId = group.ingress[0]!.groups[0]!.groupId;
  original = { endpoint: cluster.endpoint, port: cluster.port, ingress: group.ingress };
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => blackhole?.close(resolve));
  await lab?.stop();
});

afterEach(() => {
  // Back to the reachable, admitted v2 of the guide's world.
  cluster.endpoint = original.endpoint;
  cluster.port = original.port;
  group.ingress = original.ingress;
  lab.sandbox.world.region(lab.config.regions.primary).securityGroupsDenied = false;
});

/** TCP on `port` from these CIDRs and groups, as EC2 describes a rule. */
function tcpRule(rulePort: number, cidrs: string[], groups: string[] = []): IpPermissionRule {
  return {
    ipProtocol: 'tcp',
    fromPort: rulePort,
    toPort: rulePort,
    ipRanges: cidrs.map((cidr) => ({ cidr })),
    ipv6Ranges: [],
    groups: groups.map((groupId) => ({ groupId, userId: lab.sandbox.world.accountId })),
    prefixListIds: [],
  };
}

/** v2's writer stops answering; its group keeps these rules. */
function unreachable(ingress: IpPermissionRule[]): void {
  cluster.endpoint = '127.0.0.1';
  cluster.port = port;
  group.ingress = ingress;
}

function connection(run: Awaited<ReturnType<typeof runVerify>>): ReportCheck {
  const check = reportOf(run).checks.find((c) => c.id === 'database-connection')!;
  expect(check.status).toBe('fail');
  expect(check.detail).toMatch(/timed out/);
  return check;
}

function ec2Calls(since: number): string[] {
  return lab.sandbox.requests
    .slice(since)
    .filter((r) => r.service === 'ec2')
    .map((r) => r.operation);
}

const fixFor = (source: string) =>
  `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${group.groupId} ${source}`;

describe('verify-v2 when the v2 writer does not answer (a timeout)', () => {
  it('without a rule for the runner: names the group and prints the fix, in the detail and the summary', async () => {
    // The group still admits the old port, and the application: neither is this runner on this port.
    unreachable([tcpRule(original.port, ['127.0.0.1/32'], [appGroupId])]);
    const before = lab.sandbox.requests.length;
    const run = await runVerify(lab);

    expect(run.exitCode).toBe(1);
    expect(run.outputs['healthy']).toBe('false');
    const check = connection(run);
    expect(check.detail).toContain(
      `No rule of ${group.groupId} (${group.groupName}) admits TCP ${port} from this runner's address 127.0.0.1`,
    );
    const fix = fixFor(`--protocol tcp --port ${port} --cidr 127.0.0.1/32`);
    expect(check.detail).toContain(fix);
    expect(check.detail).not.toContain('look elsewhere');
    expect(run.summary).toContain(fix);
    // Read, never changed: one describe, no write call of any kind.
    expect(ec2Calls(before)).toEqual(['DescribeSecurityGroups']);
  });

  it('with the rule: the network path is open per the security groups, and it looks elsewhere', async () => {
    unreachable([tcpRule(port, ['127.0.0.0/8'])]);
    const run = await runVerify(lab);

    expect(run.exitCode).toBe(1);
    const check = connection(run);
    expect(check.detail).toContain(
      `TCP ${port} from this runner's address 127.0.0.1 is admitted by ${group.groupId} (${group.groupName}): tcp ${port} from 127.0.0.0/8`,
    );
    expect(check.detail).toMatch(
      /network path is open as far as the security groups .* go; look elsewhere: the network ACLs .* route tables .* DNS/,
    );
    expect(check.detail).not.toContain('authorize-security-group-ingress');
    expect(run.summary).toContain('look elsewhere');
  });

  it('app-security-group admitted: the path is open for it, and the runner’s missing rule is offered', async () => {
    unreachable([tcpRule(port, [], [appGroupId])]);
    const run = await runVerify(lab, { 'app-security-group': appGroupId });

    const check = connection(run);
    expect(check.detail).toContain(
      `TCP ${port} from the app security group ${appGroupId} is admitted by ${group.groupId} (${group.groupName}): tcp ${port} from ${appGroupId}`,
    );
    expect(check.detail).toContain('network path is open');
    expect(check.detail).toContain(fixFor(`--protocol tcp --port ${port} --cidr 127.0.0.1/32`));
    expect(check.detail).not.toContain('--source-group');
  });

  it('app-security-group not admitted: names the group and prints the --source-group fix', async () => {
    unreachable([tcpRule(port, [], ['sg-0123456789abcdef0'])]);
    const run = await runVerify(lab, { 'app-security-group': appGroupId });

    const check = connection(run);
    expect(check.detail).toContain(
      `No rule of ${group.groupId} (${group.groupName}) admits TCP ${port} from the app security group ${appGroupId}`,
    );
    const fix = fixFor(`--protocol tcp --port ${port} --source-group ${appGroupId}`);
    expect(check.detail).toContain(fix);
    expect(check.detail).not.toContain('network path is open');
    expect(run.summary).toContain(fix);
  });

  it('a role that may not read security groups: said in the diagnosis, and the check still fails for the timeout', async () => {
    unreachable([tcpRule(port, ['127.0.0.1/32'])]);
    lab.sandbox.world.region(lab.config.regions.primary).securityGroupsDenied = true;
    const run = await runVerify(lab);

    expect(run.exitCode).toBe(1);
    const check = connection(run);
    expect(check.detail).toContain(
      `The security groups of ${cluster.identifier} (${group.groupId}) could not be read`,
    );
    expect(check.detail).toMatch(/Access denied to ec2:DescribeSecurityGroups .*UnauthorizedOperation/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    // The other checks ran and reported as usual.
    expect(reportOf(run).checks.find((c) => c.id === 'secret')?.status).toBe('pass');
  });
});

describe('verify-v2 reads no security group when the connection did not time out', () => {
  it('refused (ECONNREFUSED): nothing listens on the port', async () => {
    cluster.endpoint = '127.0.0.1';
    cluster.port = await freePort();
    const before = lab.sandbox.requests.length;
    const run = await runVerify(lab);
    expect(run.exitCode).toBe(1);
    expect(reportOf(run).checks.find((c) => c.id === 'database-connection')?.detail).toContain(
      'connection refused',
    );
    expect(ec2Calls(before)).toEqual([]);
  });

  it.each([
    ['guide-world', 0],
    ['wrong-password', 1],
  ])('%s', async (scenario, exitCode) => {
    await lab.load(scenario);
    const before = lab.sandbox.requests.length;
    const run = await runVerify(lab, { 'app-security-group': appGroupId });
    expect(run.exitCode).toBe(exitCode);
    expect(ec2Calls(before)).toEqual([]);
    expect(everythingPrinted(run)).not.toContain('authorize-security-group-ingress');
  });
});
