import { DescribeDBClusterSnapshotsCommand, type RDSClient } from '@aws-sdk/client-rds';
import { Sandbox } from '@dbmig/sandbox';
import { VerdictError } from '../errors/index.js';
import { createClusterSnapshot, type ClusterSnapshotOptions } from './cluster-snapshot.js';
import { addCluster, sandboxRds } from './sandbox.fixture.js';

const REGION = 'us-east-1';
const CLUSTER = 'primary-db-cluster-dev';
const TAGS = [
  { Key: 'Purpose', Value: 'PreMigrationBackup' },
  { Key: 'Environment', Value: 'dev' },
  { Key: 'RunUrl', Value: 'https://github.com/acme/payments/actions/runs/42' },
];

let sandbox: Sandbox;
let rds: RDSClient;
let lines: string[];

function options(overrides: Partial<ClusterSnapshotOptions> = {}): ClusterSnapshotOptions {
  return {
    clusterIdentifier: CLUSTER,
    snapshotIdentifier: 'primary-db-cluster-dev-premigration-r42-1',
    tags: TAGS,
    maxWaitSeconds: 30,
    log: (line) => lines.push(line),
    // The sandbox takes well under a second; poll it often.
    minDelaySeconds: 0.05,
    maxDelaySeconds: 0.1,
    ...overrides,
  };
}

function snapshotsInWorld() {
  return [...sandbox.world.region(REGION).clusterSnapshots.values()];
}

function creates(): number {
  return sandbox.calls('rds').filter((c) => c.operation === 'CreateDBClusterSnapshot').length;
}

beforeAll(async () => {
  sandbox = await Sandbox.start();
  rds = sandboxRds(sandbox, REGION);
});

afterAll(async () => {
  rds.destroy();
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.world.clear();
  sandbox.faults.clear();
  sandbox.requests.length = 0;
  sandbox.world.backupTimings.clusterSnapshotMs = 400;
  addCluster(sandbox, REGION, CLUSTER);
  lines = [];
});

describe('createClusterSnapshot', () => {
  it('creates a tagged snapshot, waits until it is available, and logs its progress', async () => {
    const result = await createClusterSnapshot(rds, options());
    expect(result).toMatchObject({
      identifier: 'primary-db-cluster-dev-premigration-r42-1',
      arn: 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:primary-db-cluster-dev-premigration-r42-1',
      status: 'available',
      clusterIdentifier: CLUSTER,
      adopted: false,
    });
    expect(result.createdAt).toBeInstanceOf(Date);
    const { DBClusterSnapshots } = await rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: result.identifier }),
    );
    expect(DBClusterSnapshots![0]!.TagList).toEqual(TAGS);
    expect(lines[0]).toMatch(
      /^Cluster snapshot primary-db-cluster-dev-premigration-r42-1 of primary-db-cluster-dev \(us-east-1\) requested: creating, 0 %\.$/,
    );
    expect(lines.at(-1)).toMatch(/: available\.$/);
    // Progress between, from the waiter's own polls; each state logged once.
    expect(lines.some((line) => /creating, [1-9]\d? %/.test(line))).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('adopts the snapshot of the same cluster when this attempt is re-run, creating no second one', async () => {
    const first = await createClusterSnapshot(rds, options());
    lines = [];
    const again = await createClusterSnapshot(rds, options());
    expect(again.adopted).toBe(true);
    expect(again.arn).toBe(first.arn);
    expect(snapshotsInWorld()).toHaveLength(1);
    expect(lines[0]).toMatch(/exists already .*adopting it, available/);
  });

  it('refuses to adopt a snapshot of the same name that belongs to another cluster', async () => {
    addCluster(sandbox, REGION, 'someone-elses-cluster');
    await createClusterSnapshot(rds, options({ clusterIdentifier: 'someone-elses-cluster' }));
    const error = await createClusterSnapshot(rds, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictError);
    expect((error as Error).message).toMatch(
      /primary-db-cluster-dev-premigration-r42-1 already exists in us-east-1, but it is a snapshot of someone-elses-cluster, not of primary-db-cluster-dev/,
    );
    expect(snapshotsInWorld().map((s) => s.clusterIdentifier)).toEqual(['someone-elses-cluster']);
  });

  it('fails loudly, naming the snapshot, when the snapshot ends failed', async () => {
    sandbox.world.region(REGION).failingSnapshotClusters.add(CLUSTER);
    const error = await createClusterSnapshot(rds, options({ maxWaitSeconds: 600 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictError);
    expect((error as Error).message).toMatch(
      /^Cluster snapshot primary-db-cluster-dev-premigration-r42-1 of primary-db-cluster-dev \(us-east-1\) ended failed, not available/,
    );
    expect((error as Error).message).toContain('new attempt');
  });

  it('fails when the snapshot is not available within maxWaitSeconds, saying it may still finish', async () => {
    sandbox.world.backupTimings.clusterSnapshotMs = 3_600_000;
    const error = await createClusterSnapshot(rds, options({ maxWaitSeconds: 0.5 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictError);
    expect((error as Error).message).toMatch(/is not available after 0.5 s \(creating, 0 %\)/);
    expect((error as Error).message).toContain('re-run');
  });

  it('refuses a cluster that does not exist, naming it, and takes no snapshot', async () => {
    const error = await createClusterSnapshot(
      rds,
      options({ clusterIdentifier: 'primary-db-cluster-typo' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictError);
    expect((error as Error).message).toMatch(/^Cluster primary-db-cluster-typo was not found in us-east-1/);
    expect(snapshotsInWorld()).toEqual([]);
  });

  it('refuses a cluster that is not available and takes no snapshot', async () => {
    sandbox.world.region(REGION).clusters.get(CLUSTER)!.status = 'modifying';
    const error = await createClusterSnapshot(rds, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictError);
    expect((error as Error).message).toMatch(/cannot be snapshotted now .*InvalidDBClusterStateFault/);
    expect(snapshotsInWorld()).toEqual([]);
    expect(creates()).toBe(1);
  });

  it('keeps waiting through throttled polls (the waiter retries them) and still succeeds', async () => {
    sandbox.faults.set([{ operation: 'rds:DescribeDBClusterSnapshots', throttleRate: 0.5 }], 7);
    const result = await createClusterSnapshot(rds, options());
    expect(result.status).toBe('available');
    expect(sandbox.faults.injected.throttle).toBeGreaterThan(0);
  });
});
