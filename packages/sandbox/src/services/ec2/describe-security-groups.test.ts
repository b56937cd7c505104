import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  paginateDescribeSecurityGroups,
  type DescribeSecurityGroupsCommandInput,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { Sandbox } from '../../server.js';
import { authorization, failure, sandboxClient } from '../../test-support.js';
import { addCluster } from '../../world/aurora-builders.js';
import { addDatabaseSecurityGroup, addSecurityGroup, SANDBOX_VPC_ID, tcpRule } from './index.js';

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

beforeEach(() => {
  sandbox.world.clear();
  sandbox.faults.clear();
});

describe('DescribeSecurityGroups', () => {
  it('returns every field of a group and its rules, typed as the SDK models them', async () => {
    const app = addSecurityGroup(sandbox.world, 'us-east-1', 'app-dev');
    const db = addSecurityGroup(sandbox.world, 'us-east-1', 'aurora-v2-dev-db', {
      description: 'PostgreSQL of v2',
      ingress: [
        tcpRule({ port: 5432, groups: [app.groupId], cidrs: ['10.0.0.0/16', '2001:db8::/56'] }),
        tcpRule({ protocol: '-1', cidrs: ['192.168.1.7/32'] }),
      ],
    });
    db.ingress[0]!.ipRanges[0]!.description = 'the VPC';

    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [db.groupId] }));

    expect(out.SecurityGroups).toHaveLength(1);
    expect(out.SecurityGroups![0]).toEqual<SecurityGroup>({
      GroupId: db.groupId,
      GroupName: 'aurora-v2-dev-db',
      Description: 'PostgreSQL of v2',
      VpcId: SANDBOX_VPC_ID,
      OwnerId: '123456789012',
      SecurityGroupArn: `arn:aws:ec2:us-east-1:123456789012:security-group/${db.groupId}`,
      Tags: [{ Key: 'Name', Value: 'aurora-v2-dev-db' }],
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 5432,
          ToPort: 5432,
          UserIdGroupPairs: [{ UserId: '123456789012', GroupId: app.groupId }],
          IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'the VPC' }],
          Ipv6Ranges: [{ CidrIpv6: '2001:db8::/56' }],
          PrefixListIds: [],
        },
        {
          IpProtocol: '-1',
          UserIdGroupPairs: [],
          IpRanges: [{ CidrIp: '192.168.1.7/32' }],
          Ipv6Ranges: [],
          PrefixListIds: [],
        },
      ],
      IpPermissionsEgress: [
        {
          IpProtocol: '-1',
          UserIdGroupPairs: [],
          IpRanges: [{ CidrIp: '0.0.0.0/0' }],
          Ipv6Ranges: [],
          PrefixListIds: [],
        },
      ],
    });
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('selects by GroupId.N, GroupName.N and Filter.N, and keeps regions apart', async () => {
    const a = addSecurityGroup(sandbox.world, 'us-east-1', 'a');
    const b = addSecurityGroup(sandbox.world, 'us-east-1', 'b', {
      ingress: [tcpRule({ port: 5432, groups: [a.groupId] })],
    });
    addSecurityGroup(sandbox.world, 'us-east-1', 'c');
    addSecurityGroup(sandbox.world, 'us-east-2', 'a');
    const ids = async (input: DescribeSecurityGroupsCommandInput) =>
      ((await ec2.send(new DescribeSecurityGroupsCommand(input))).SecurityGroups ?? [])
        .map((g) => g.GroupName)
        .sort();

    expect(await ids({})).toEqual(['a', 'b', 'c']);
    expect(await ids({ GroupIds: [a.groupId, b.groupId] })).toEqual(['a', 'b']);
    expect(await ids({ GroupNames: ['c'] })).toEqual(['c']);
    expect(await ids({ Filters: [{ Name: 'group-name', Values: ['a', 'c'] }] })).toEqual(['a', 'c']);
    expect(await ids({ Filters: [{ Name: 'ip-permission.group-id', Values: [a.groupId] }] })).toEqual(['b']);
    expect(
      await ids({
        Filters: [
          { Name: 'vpc-id', Values: [SANDBOX_VPC_ID] },
          { Name: 'group-id', Values: [b.groupId] },
        ],
      }),
    ).toEqual(['b']);
    // The other region's group of the same name has another id.
    const east2 = sandboxClient(EC2Client, sandbox, 'us-east-2');
    try {
      const out = await east2.send(new DescribeSecurityGroupsCommand({}));
      expect(out.SecurityGroups?.map((g) => g.GroupName)).toEqual(['a']);
      expect(out.SecurityGroups?.[0]?.GroupId).not.toBe(a.groupId);
    } finally {
      east2.destroy();
    }
  });

  it('pages with MaxResults and NextToken, as the SDK paginator follows them', async () => {
    for (let i = 0; i < 12; i++) addSecurityGroup(sandbox.world, 'us-east-1', `group-${i}`);
    const pages: number[] = [];
    const names: string[] = [];
    for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 5 }, {})) {
      pages.push(page.SecurityGroups?.length ?? 0);
      names.push(...(page.SecurityGroups ?? []).map((g) => g.GroupName!));
    }
    expect(pages).toEqual([5, 5, 2]);
    expect(new Set(names).size).toBe(12);
  });

  it('an unknown group fails the call with InvalidGroup.NotFound in EC2’s error envelope', async () => {
    const known = addSecurityGroup(sandbox.world, 'us-east-1', 'known');
    const error = await failure(
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [known.groupId, 'sg-0123456789abcdef0'] })),
    );
    expect(error.name).toBe('InvalidGroup.NotFound');
    expect(error.message).toBe("The security group 'sg-0123456789abcdef0' does not exist");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses a malformed id, an unknown filter and a MaxResults out of range', async () => {
    const malformed = await failure(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['default'] })));
    expect(malformed.name).toBe('InvalidGroupId.Malformed');
    const filter = await failure(
      ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
    );
    expect(filter.name).toBe('InvalidParameterValue');
    expect(filter.message).toContain("'colour'");
    const max = await failure(ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 2 })));
    expect(max.name).toBe('InvalidParameterValue');
  });

  it('a role without ec2:DescribeSecurityGroups gets UnauthorizedOperation (403)', async () => {
    sandbox.world.region('us-east-1').securityGroupsDenied = true;
    const error = await failure(ec2.send(new DescribeSecurityGroupsCommand({})));
    expect(error.name).toBe('UnauthorizedOperation');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain('ec2:DescribeSecurityGroups');
  });

  it('an injected throttle reaches the SDK as a retryable error, and the call is logged', async () => {
    addSecurityGroup(sandbox.world, 'us-east-1', 'a');
    sandbox.faults.set([{ operation: 'ec2:DescribeSecurityGroups', throttleRate: 1 }]);
    const before = sandbox.requests.length;
    const error = await failure(ec2.send(new DescribeSecurityGroupsCommand({})));
    expect(error.name).toBe('Throttling');
    expect(sandbox.requests.slice(before)).toMatchObject([
      {
        service: 'ec2',
        operation: 'DescribeSecurityGroups',
        region: 'us-east-1',
        status: 400,
        fault: 'throttle',
      },
    ]);
  });

  it('an operation the sandbox does not speak is refused, never answered as an empty success', async () => {
    const response = await fetch(sandbox.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: authorization('us-east-1', 'ec2'),
      },
      body: 'Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-0123456789abcdef0',
    });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain('<Response><Errors><Error><Code>InvalidAction</Code>');
    expect(body).toContain('<RequestID>');
  });
});

describe("a cluster's VpcSecurityGroups", () => {
  it('lists the groups the world gives the cluster, which DescribeSecurityGroups then returns', async () => {
    const app = addSecurityGroup(sandbox.world, 'us-east-1', 'app-dev');
    const db = addDatabaseSecurityGroup(sandbox.world, 'us-east-1', 'aurora-v2', 5432, app.groupId);
    addCluster(sandbox.world, 'us-east-1', 'aurora-v2', { vpcSecurityGroupIds: [db.groupId] });
    const rds = sandboxClient(RDSClient, sandbox, 'us-east-1');
    try {
      const out = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora-v2' }));
      const ids = out.DBClusters![0]!.VpcSecurityGroups!.map((m) => m.VpcSecurityGroupId!);
      expect(ids).toEqual([db.groupId]);
      const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }));
      expect(groups.SecurityGroups![0]!.IpPermissions![0]!.UserIdGroupPairs![0]!.GroupId).toBe(app.groupId);
    } finally {
      rds.destroy();
    }
  });
});
