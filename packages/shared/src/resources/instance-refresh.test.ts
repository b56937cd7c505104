import { AutoScalingClient, CancelInstanceRefreshCommand } from '@aws-sdk/client-auto-scaling';
import { addAutoScalingGroup, Sandbox, sandboxClient } from '@dbmig/sandbox';
import { VerdictError } from '../errors/index.js';
import {
  activeRefresh,
  cancelRefresh,
  RefreshFailedError,
  startRefresh,
  waitForRefreshes,
  type RefreshState,
  type RefreshTarget,
} from './instance-refresh.js';

/*
 * The toolkit's side of step 3.2 against the sandbox's Auto Scaling service, whose fleet carries the
 * refreshes out. The groups have no parameters to read (their instances cannot connect): these tests
 * are about starting, watching and cancelling refreshes, not about where the application goes.
 */

const PRIMARY = 'us-east-1';
const DR = 'us-east-2';
const PRIMARY_GROUP = 'primary-asg-dev';
const DR_GROUP = 'dr-asg-dev';
const PREFERENCES = { minHealthyPercentage: 80, instanceWarmup: 120 };
const FAST = { minDelayMs: 50, maxDelayMs: 100 };

let sandbox: Sandbox;
let primary: AutoScalingClient;
let dr: AutoScalingClient;

beforeAll(async () => {
  sandbox = await Sandbox.start();
  primary = sandboxClient(AutoScalingClient, sandbox, PRIMARY);
  dr = sandboxClient(AutoScalingClient, sandbox, DR);
});

afterAll(async () => {
  primary.destroy();
  dr.destroy();
  await sandbox.stop();
});

beforeEach(async () => {
  await sandbox.fleet.reset();
  sandbox.world.clear();
  sandbox.world.refreshTimings.batchMs = 50;
  addAutoScalingGroup(sandbox.world, PRIMARY, PRIMARY_GROUP, { logGroup: '/aws/application/dev' });
  addAutoScalingGroup(sandbox.world, DR, DR_GROUP, {
    logGroup: '/aws/application/dev',
    parameterRegions: [DR, PRIMARY],
  });
  await sandbox.fleet.settle();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VerdictError);
  return error as Error;
}

async function startBoth(): Promise<RefreshTarget[]> {
  const a = await startRefresh(primary, PRIMARY_GROUP, PREFERENCES);
  const b = await startRefresh(dr, DR_GROUP, PREFERENCES);
  return [
    { client: primary, group: PRIMARY_GROUP, region: PRIMARY, id: a.id },
    { client: dr, group: DR_GROUP, region: DR, id: b.id },
  ];
}

function refreshInWorld(region: string, group: string) {
  return sandbox.world.region(region).autoScalingGroups.get(group)!.refreshes[0];
}

describe('startRefresh and activeRefresh', () => {
  it('starts a refresh with the guide preferences and SkipMatching off, and reports it active', async () => {
    sandbox.world.refreshTimings.batchMs = 60_000;
    expect(await activeRefresh(primary, PRIMARY_GROUP)).toBeUndefined();
    const started = await startRefresh(primary, PRIMARY_GROUP, PREFERENCES);
    expect(started.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.requestId).toBeDefined();
    expect(refreshInWorld(PRIMARY, PRIMARY_GROUP)!.preferences).toEqual({
      minHealthyPercentage: 80,
      instanceWarmup: 120,
      skipMatching: false,
    });
    const active = await activeRefresh(primary, PRIMARY_GROUP);
    expect(active).toMatchObject({
      InstanceRefreshId: started.id,
      Status: expect.stringMatching(/^(Pending|InProgress)$/),
    });
    // The other group is not refreshing.
    expect(await activeRefresh(dr, DR_GROUP)).toBeUndefined();
  });

  it('refuses, naming the group and Region, when a refresh is already running or the group does not exist', async () => {
    sandbox.world.refreshTimings.batchMs = 60_000;
    await startRefresh(primary, PRIMARY_GROUP, PREFERENCES);
    const running = await rejection(startRefresh(primary, PRIMARY_GROUP, PREFERENCES));
    expect(running.message).toMatch(/instance refresh of primary-asg-dev \(us-east-1\) is already running/);
    const missing = await rejection(startRefresh(dr, 'no-such-asg', PREFERENCES));
    expect(missing.message).toMatch(/no-such-asg does not exist in us-east-2/);
  });
});

describe('waitForRefreshes', () => {
  it('watches both groups at once to Successful, reporting each change once', async () => {
    const targets = await startBoth();
    const lines: string[] = [];
    const seen: RefreshState[] = [];
    const states = await waitForRefreshes(targets, {
      timeoutMs: 30_000,
      onProgress: (line, state) => {
        lines.push(line);
        seen.push(state);
      },
      ...FAST,
    });
    expect(states.map((s) => [s.group, s.region, s.status, s.percentageComplete])).toEqual([
      [PRIMARY_GROUP, PRIMARY, 'Successful', 100],
      [DR_GROUP, DR, 'Successful', 100],
    ]);
    expect(lines).toContain(
      `Instance refresh ${targets[1]!.id} of ${DR_GROUP} (${DR}): Successful, 100% complete.`,
    );
    // Only changes: no two reports of a group in a row say the same.
    for (const group of [PRIMARY_GROUP, DR_GROUP]) {
      const mine = seen.filter((s) => s.group === group).map((s) => `${s.status} ${s.percentageComplete}`);
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine).size).toBe(mine.length);
    }
  });

  it('throws when one group fails, only after the other has finished, saying how each ended', async () => {
    sandbox.world.region(DR).autoScalingGroups.get(DR_GROUP)!.failsRefresh = true;
    const targets = await startBoth();
    const error = await rejection(waitForRefreshes(targets, { timeoutMs: 30_000, ...FAST }));
    expect(error).toBeInstanceOf(RefreshFailedError);
    expect(error.message).toMatch(
      /The instance refresh \S+ of dr-asg-dev \(us-east-2\) ended Failed at 50%: Instance i-[0-9a-f]{17} failed to pass health checks/,
    );
    expect(error.message).toMatch(/primary-asg-dev \(us-east-1\) ended Successful/);
    expect((error as RefreshFailedError).states.map((s) => s.status)).toEqual(['Successful', 'Failed']);
  });

  it('throws when a refresh is cancelled under it', async () => {
    sandbox.world.refreshTimings.batchMs = 60_000;
    const targets = await startBoth();
    const waiting = waitForRefreshes([targets[0]!], { timeoutMs: 30_000, ...FAST });
    await primary.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: PRIMARY_GROUP }));
    const error = await rejection(waiting);
    expect(error.message).toMatch(/primary-asg-dev \(us-east-1\) ended Cancel(ling|led) at 0%/);
  });

  it('throws when the time runs out, with where each refresh stands', async () => {
    sandbox.world.refreshTimings.batchMs = 60_000;
    const targets = await startBoth();
    const error = await rejection(waitForRefreshes(targets, { timeoutMs: 300, ...FAST }));
    expect(error.message).toMatch(
      /primary-asg-dev \(us-east-1\) did not finish in time: still (Pending|InProgress) at 0%/,
    );
    expect((error as RefreshFailedError).states.every((s) => s.timedOut)).toBe(true);
  });
});

describe('cancelRefresh', () => {
  it('cancels the running refresh and returns once it is Cancelled', async () => {
    sandbox.world.refreshTimings.batchMs = 60_000;
    const { id } = await startRefresh(primary, PRIMARY_GROUP, PREFERENCES);
    expect(await cancelRefresh(primary, PRIMARY_GROUP, { pollMs: 50 })).toBe(id);
    expect(refreshInWorld(PRIMARY, PRIMARY_GROUP)).toMatchObject({ id, status: 'Cancelled' });
    expect(await activeRefresh(primary, PRIMARY_GROUP)).toBeUndefined();
  });

  it('returns undefined when no refresh is running', async () => {
    expect(await cancelRefresh(primary, PRIMARY_GROUP, { pollMs: 50 })).toBeUndefined();
  });
});
