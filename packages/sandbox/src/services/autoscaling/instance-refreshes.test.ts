import {
  AutoScalingClient,
  CancelInstanceRefreshCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  type InstanceRefresh,
} from '@aws-sdk/client-auto-scaling';
import { setTimeout as sleep } from 'node:timers/promises';
import { addAutoScalingGroup } from '../../fleet/index.js';
import { Sandbox } from '../../server.js';
import { failure, sandboxClient } from '../../test-support.js';

/*
 * The Auto Scaling service through the real AutoScalingClient. The groups here have no parameters to
 * read, so their instances cannot connect anywhere: that is the fleet's business (../../fleet/), and
 * these tests are about the API — shapes, errors and the statuses a refresh goes through.
 */

const REGION = 'us-east-1';
const GROUP = 'primary-asg-dev';
const CREATED = new Date('2026-01-15T10:20:30.000Z');

let sandbox: Sandbox;
let client: AutoScalingClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  client = sandboxClient(AutoScalingClient, sandbox, REGION);
});

afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

beforeEach(async () => {
  await sandbox.fleet.reset();
  sandbox.world.clear();
  sandbox.world.refreshTimings.batchMs = 50;
  addAutoScalingGroup(sandbox.world, REGION, GROUP, { logGroup: '/aws/application/dev', createdAt: CREATED });
  await sandbox.fleet.settle();
});

async function refreshes(): Promise<InstanceRefresh[]> {
  const out = await client.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: GROUP }));
  return out.InstanceRefreshes ?? [];
}

/** Polls until the refresh reaches a status in `statuses` (the fleet moves it about once a second). */
async function until(id: string, statuses: string[]): Promise<InstanceRefresh> {
  for (let i = 0; i < 200; i++) {
    const found = (await refreshes()).find((r) => r.InstanceRefreshId === id);
    if (found && statuses.includes(found.Status!)) return found;
    await sleep(50);
  }
  throw new Error(`refresh ${id} never reached ${statuses.join('/')}`);
}

describe('DescribeAutoScalingGroups', () => {
  it('returns the group with its instances, typed as the SDK models them', async () => {
    const out = await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }));
    expect(out.AutoScalingGroups).toHaveLength(1);
    const group = out.AutoScalingGroups![0]!;
    expect(group).toMatchObject({
      AutoScalingGroupName: GROUP,
      AutoScalingGroupARN: expect.stringMatching(
        /^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/primary-asg-dev$/,
      ),
      HealthCheckType: 'EC2',
    });
    // A wrong element name parses as undefined or a string: check the types.
    expect(group.DesiredCapacity).toBe(2);
    expect(group.MinSize).toBe(2);
    expect(group.MaxSize).toBe(4);
    expect(group.CreatedTime).toEqual(CREATED);
    expect(group.AvailabilityZones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(group.Instances).toHaveLength(2);
    for (const instance of group.Instances!) {
      expect(instance).toEqual({
        InstanceId: expect.stringMatching(/^i-[0-9a-f]{17}$/),
        InstanceType: 't3.medium',
        AvailabilityZone: expect.stringMatching(/^us-east-1[ab]$/),
        LifecycleState: 'InService',
        // Nothing to connect to: no endpoint parameter in this world.
        HealthStatus: 'Unhealthy',
        ProtectedFromScaleIn: false,
      });
    }
  });

  it('leaves out names that match no group, and lists none in another Region', async () => {
    const out = await client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['no-such-asg', GROUP] }),
    );
    expect(out.AutoScalingGroups!.map((g) => g.AutoScalingGroupName)).toEqual([GROUP]);
    const east2 = sandboxClient(AutoScalingClient, sandbox, 'us-east-2');
    try {
      const other = await east2.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }),
      );
      expect(other.AutoScalingGroups).toEqual([]);
    } finally {
      east2.destroy();
    }
  });
});

describe('StartInstanceRefresh and DescribeInstanceRefreshes', () => {
  it('starts a refresh with the preferences given and AWS defaults for the rest, and runs it to Successful', async () => {
    const started = await client.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: GROUP,
        Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 120 },
      }),
    );
    expect(started.InstanceRefreshId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.$metadata.requestId).toBeDefined();
    const [first] = await refreshes();
    expect(first).toMatchObject({
      InstanceRefreshId: started.InstanceRefreshId,
      AutoScalingGroupName: GROUP,
      Status: expect.stringMatching(/^(Pending|InProgress)$/),
      InstancesToUpdate: 2,
      Preferences: { MinHealthyPercentage: 50, InstanceWarmup: 120, SkipMatching: false },
    });
    expect(first!.StartTime).toBeInstanceOf(Date);
    expect(first!.EndTime).toBeUndefined();

    const done = await until(started.InstanceRefreshId!, ['Successful', 'Failed', 'Cancelled']);
    expect(done).toMatchObject({ Status: 'Successful', PercentageComplete: 100, InstancesToUpdate: 0 });
    expect(done.EndTime).toBeInstanceOf(Date);
    expect(done.EndTime!.getTime()).toBeGreaterThanOrEqual(done.StartTime!.getTime());
  });

  it('replaces every instance of the group', async () => {
    const before = sandbox.world
      .region(REGION)
      .autoScalingGroups.get(GROUP)!
      .instances.map((i) => i.instanceId);
    const { InstanceRefreshId } = await client.send(
      new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP }),
    );
    await until(InstanceRefreshId!, ['Successful']);
    const after = sandbox.world
      .region(REGION)
      .autoScalingGroups.get(GROUP)!
      .instances.map((i) => i.instanceId);
    expect(after).toHaveLength(2);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
  });

  it('fills in MinHealthyPercentage 90 when no preferences are given', async () => {
    await client.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP }));
    const [first] = await refreshes();
    expect(first!.Preferences).toMatchObject({ MinHealthyPercentage: 90, SkipMatching: false });
    expect(first!.Preferences!.InstanceWarmup).toBeUndefined();
  });

  it('refuses a second refresh while one is active (InstanceRefreshInProgress, not retried)', async () => {
    sandbox.world.refreshTimings.batchMs = 60_000;
    await client.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP }));
    const retrying = sandboxClient(AutoScalingClient, sandbox, REGION, { maxAttempts: 3 });
    try {
      const error = await failure(
        retrying.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP })),
      );
      expect(error.name).toBe('InstanceRefreshInProgressFault');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.$metadata.attempts).toBe(1);
    } finally {
      retrying.destroy();
    }
    expect(await refreshes()).toHaveLength(1);
  });

  it('answers an unknown group with ValidationError', async () => {
    for (const call of [
      client.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: 'no-such-asg' })),
      client.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'no-such-asg' })),
      client.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: 'no-such-asg' })),
    ]) {
      const error = await failure(call);
      expect(error.name).toBe('ValidationError');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/no-such-asg not found/);
    }
  });

  it('refuses a MinHealthyPercentage outside 0..100', async () => {
    const error = await failure(
      client.send(
        new StartInstanceRefreshCommand({
          AutoScalingGroupName: GROUP,
          Preferences: { MinHealthyPercentage: 101 },
        }),
      ),
    );
    expect(error.name).toBe('ValidationError');
    expect(await refreshes()).toEqual([]);
  });

  it('lists refreshes newest first, filters by id and pages with MaxRecords and NextToken', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { InstanceRefreshId } = await client.send(
        new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP, Preferences: { SkipMatching: true } }),
      );
      ids.push(InstanceRefreshId!);
      // SkipMatching with nothing to change replaces nothing: it ends Successful on the fleet's next tick.
      await until(InstanceRefreshId!, ['Successful']);
    }
    expect((await refreshes()).map((r) => r.InstanceRefreshId)).toEqual([...ids].reverse());

    const one = await client.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: GROUP, InstanceRefreshIds: [ids[1]!] }),
    );
    expect(one.InstanceRefreshes!.map((r) => r.InstanceRefreshId)).toEqual([ids[1]]);

    const page1 = await client.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: GROUP, MaxRecords: 2 }),
    );
    expect(page1.InstanceRefreshes).toHaveLength(2);
    expect(page1.NextToken).toBeDefined();
    const page2 = await client.send(
      new DescribeInstanceRefreshesCommand({
        AutoScalingGroupName: GROUP,
        MaxRecords: 2,
        NextToken: page1.NextToken,
      }),
    );
    expect(page2.InstanceRefreshes!.map((r) => r.InstanceRefreshId)).toEqual([ids[0]]);
    expect(page2.NextToken).toBeUndefined();
  });
});

describe('CancelInstanceRefresh', () => {
  it('makes the active refresh Cancelling, then Cancelled, replacing nothing more', async () => {
    sandbox.world.refreshTimings.batchMs = 60_000;
    const before = sandbox.world
      .region(REGION)
      .autoScalingGroups.get(GROUP)!
      .instances.map((i) => i.instanceId);
    const { InstanceRefreshId } = await client.send(
      new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP }),
    );
    const cancelled = await client.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: GROUP }));
    expect(cancelled.InstanceRefreshId).toBe(InstanceRefreshId);
    expect((await refreshes())[0]!.Status).toBe('Cancelling');

    const done = await until(InstanceRefreshId!, ['Cancelled']);
    expect(done.EndTime).toBeInstanceOf(Date);
    expect(done.PercentageComplete).toBe(0);
    const after = sandbox.world
      .region(REGION)
      .autoScalingGroups.get(GROUP)!
      .instances.map((i) => i.instanceId);
    expect(after.sort()).toEqual(before.sort());
    // A cancelled refresh no longer blocks a new one.
    await client.send(new StartInstanceRefreshCommand({ AutoScalingGroupName: GROUP }));
  });

  it('answers ActiveInstanceRefreshNotFound when no refresh is active', async () => {
    const error = await failure(
      client.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: GROUP })),
    );
    expect(error.name).toBe('ActiveInstanceRefreshNotFoundFault');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });
});
