import type { ChildProcess } from 'node:child_process';
import { startLab, type CallInFlight, type Lab } from '@dbmig/sandbox';
import { cutOverAndStable, inventory, ledgerTypes, runCleanup } from './phase4.js';

/*
 * The cleanup killed after each of its changes in turn. Each run may make one more change to AWS than
 * the runs before it (an archive, a protection turned off, a detach, a deletion); the moment it asks
 * for the next one, its process is SIGKILLed and that call is never carried out. Often the change it
 * made is still in progress (an instance `deleting`, a replica `DELETING`), so the next run, the same
 * workflow run re-run, must find it there and finish it. The last run completes: v1 fully deleted (the
 * secret scheduled), the archives made once and kept, v2 untouched.
 */

/** The calls that change AWS (the ledger's own SSM writes are not counted: they are not v1). */
const CHANGES = /^(Create|Delete|Remove|Modify|Update|Export|AddTags)/;

let lab: Lab;

beforeAll(async () => {
  lab = await startLab();
  await cutOverAndStable(lab, 8);
}, 240_000);
afterAll(async () => {
  lab.sandbox.beforeAnswer = undefined;
  await lab?.stop();
});

test('killed after each change in turn, re-run each time, it ends with v1 deleted and v2 untouched', async () => {
  const v2Before = inventory(lab, 'v2');
  const runId = '7100001';
  /** The change each killed run made before it was stopped. */
  const killedAfter: string[] = [];
  let child: ChildProcess | undefined;
  /** Where this run's calls start in the sandbox's log. */
  let from = 0;
  const isChange = (call: CallInFlight) => call.service !== 'ssm' && CHANGES.test(call.operation);
  lab.sandbox.beforeAnswer = (call: CallInFlight) => {
    if (!isChange(call)) return 'answer';
    // A change that was refused (a re-run's snapshot that already exists) made nothing: not counted.
    const made = lab.sandbox.requests.slice(from).filter((r) => isChange(r) && r.status < 300);
    if (made.length === 0) return 'answer';
    if (child && child.exitCode === null && child.signalCode === null) {
      killedAfter.push(made.map((r) => `${r.operation} (${r.region})`).join(', '));
      child.kill('SIGKILL');
    }
    return 'drop';
  };

  let finished = false;
  for (let k = 1; k <= 40 && !finished; k++) {
    from = lab.sandbox.requests.length;
    const run = await runCleanup(lab, {}, { runId, onSpawn: (spawned) => (child = spawned) });
    finished = run.exitCode === 0;
    if (!finished && run.signal !== 'SIGKILL') {
      throw new Error(`run ${k} failed rather than being killed:\n${run.stdout.slice(-4000)}`);
    }
  }
  lab.sandbox.beforeAnswer = undefined;
  expect({ finished, killedAfter }).toEqual({ finished: true, killedAfter });

  // A kill after every kind of change (the list shown when one is missing).
  const kinds = [
    'CreateDBClusterSnapshot',
    'ExportTableToPointInTime',
    'ModifyDBCluster',
    'RemoveFromGlobalCluster',
    'DeleteDBInstance',
    'DeleteDBCluster',
    'ModifyGlobalCluster',
    'DeleteGlobalCluster',
    'UpdateTable',
    'DeleteTable',
  ];
  const missing = kinds.filter((kind) => !killedAfter.some((k) => k.includes(`${kind} `)));
  expect({ missing, killedAfter }).toEqual({ missing: [], killedAfter });
  // Both clusters' instances, both detaches, both clusters: each deletion was cut off at least once.
  for (const kind of ['RemoveFromGlobalCluster', 'DeleteDBCluster']) {
    expect(killedAfter.filter((k) => k.includes(kind)).length).toBeGreaterThanOrEqual(2);
  }

  const v1Left = inventory(lab, 'v1');
  expect(Object.keys(v1Left)).toEqual([`secret us-east-1 ${lab.config.v1.secret}`]);
  expect(v1Left[`secret us-east-1 ${lab.config.v1.secret}`]).not.toBeNull();
  expect(inventory(lab, 'v2')).toEqual(v2Before);
  // The archives were made once, by the first runs, and kept.
  const types = await ledgerTypes(lab);
  expect(types.filter((t) => t === 'archive-made')).toHaveLength(3);
  expect(types.filter((t) => t === 'cleanup-started')).toHaveLength(1);
  expect(types.at(-1)).toBe('cleanup-completed');
  for (const region of [lab.config.regions.primary, lab.config.regions.dr]) {
    const snapshots = [...lab.sandbox.world.region(region).clusterSnapshots.values()].filter((s) =>
      s.identifier.includes('final-archive'),
    );
    // One snapshot per cluster, taken once and `available` (its creation over, not failed).
    expect(snapshots).toHaveLength(1);
    const [snapshot] = snapshots as [(typeof snapshots)[number]];
    expect(snapshot.fails).toBe(false);
    expect(snapshot.createdAt.getTime() + snapshot.durationMs).toBeLessThan(lab.sandbox.now().getTime());
  }
}, 400_000);
