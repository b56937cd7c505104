/**
 * Writes during the migration, under a steady write load of the sandbox's fleet (each instance
 * WRITES_PER_SECOND transactions a second on v1): the copy's time with and without the load (the load's
 * overhead on the copy, replication on in both), the replication lag in steady state (how long v2 takes
 * to confirm v1's current WAL position, sampled; target ≤ 1 s), the drain at an `overlap` cutover, and the
 * write pause of a `pause` cutover (target ≤ 5 s, the refresh excluded). Every run goes through dist/.
 */
import { runAction, startLab, type Lab } from '@dbmig/sandbox';
import { confirmCurrentPosition, replicationNames } from '@dbmig/shared';
import pg from 'pg';
import { describeMachine, median, printTable, seconds, verdict } from './report.js';

const WRITES_PER_SECOND = 10;
const LAG_SAMPLES = 20;
const LAG_TARGET_MS = 1_000;
const PAUSE_TARGET_MS = 5_000;

async function run(lab: Lab, action: string, inputs: Record<string, string>) {
  const result = await runAction({
    actionDir: `actions/${action}`,
    inputs: { environment: 'dev', ...inputs },
    env: lab.env(),
    timeoutMs: 600_000,
  });
  if (result.exitCode !== 0) throw new Error(`${action} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

const REPLICATE = {
  steps: 'postgres,dynamodb',
  replication: 'logical',
  'allow-replica-identity-full': 'true',
};

/** migrate-data with logical replication on a fresh world, with or without the load; its wall time. */
async function copy(lab: Lab, load: boolean): Promise<number> {
  await lab.load('payments-world-replication');
  if (load) lab.sandbox.fleet.startWriteLoad({ writesPerSecond: WRITES_PER_SECOND });
  const started = performance.now();
  await run(lab, 'migrate-data', REPLICATE);
  return performance.now() - started;
}

/** How long v2 takes to confirm v1's current position, sampled every 500 ms while the load runs. */
async function steadyLag(lab: Lab): Promise<number[]> {
  const names = replicationNames('dev');
  const client = new pg.Client({ connectionString: lab.databases.v1.connectionString() });
  await client.connect();
  try {
    const samples: number[] = [];
    for (let i = 0; i < LAG_SAMPLES; i++) {
      const reached = await confirmCurrentPosition(client, names, { timeoutMs: 30_000 });
      samples.push('ms' in reached ? reached.ms : Number.POSITIVE_INFINITY);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return samples;
  } finally {
    await client.end();
  }
}

async function cutover(lab: Lab, strategy: 'overlap' | 'pause') {
  await run(lab, 'verify-v2', { check: 'all' });
  const result = await run(lab, 'cutover', { 'bake-minutes': '0.1', 'write-strategy': strategy });
  const drainMs = Number(/drained to \S+ in (\d+) ms/.exec(result.stdout)?.[1]);
  const pauseMs = Number(result.outputs['write-pause-ms'] || NaN);
  await lab.sandbox.fleet.stopWriteLoad();
  return { drainMs, pauseMs, writes: lab.sandbox.fleet.writeLoadStats().acknowledged };
}

export async function benchReplication(): Promise<boolean> {
  console.log(
    `\nWrites during the migration: the fleet writing ${WRITES_PER_SECOND} transactions a second per instance on v1`,
  );
  console.log(describeMachine());
  const lab = await startLab({ scenario: 'payments-world-replication' });
  try {
    const quiet = await copy(lab, false);
    const loaded = await copy(lab, true);
    const lag = await steadyLag(lab);
    const overlap = await cutover(lab, 'overlap');
    await copy(lab, true);
    const pause = await cutover(lab, 'pause');
    printTable('', [
      ['Figure', 'Value', 'Ratio / note'],
      ['copy + replication set-up, no load', seconds(quiet / 1000), ''],
      [
        'copy + replication set-up, under the load',
        seconds(loaded / 1000),
        `×${(loaded / quiet).toFixed(2)} of the quiet copy`,
      ],
      [
        'lag in steady state (median of ' + LAG_SAMPLES + ')',
        `${median(lag).toFixed(0)} ms`,
        `max ${Math.max(...lag).toFixed(0)} ms`,
      ],
      [
        'drain at an overlap cutover',
        `${overlap.drainMs} ms`,
        `${overlap.writes.toLocaleString('en-US')} writes acknowledged in the run`,
      ],
      ['write pause of a pause cutover', `${pause.pauseMs} ms`, 'first refused write → parameters switched'],
    ]);
    const lagMet = median(lag) <= LAG_TARGET_MS;
    const pauseMet = pause.pauseMs <= PAUSE_TARGET_MS;
    console.log(
      verdict(lagMet, `replication lag in steady state ${median(lag).toFixed(0)} ms (target ≤ 1 s)`),
    );
    console.log(verdict(pauseMet, `write pause ${pause.pauseMs} ms (target ≤ 5 s)`));
    return lagMet && pauseMet;
  } finally {
    await lab.sandbox.fleet.stopWriteLoad();
    await lab.stop();
  }
}
