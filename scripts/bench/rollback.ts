/**
 * The rollback's speed where it matters, the restore (step 3.4): with 50 ms of latency injected on every
 * sandbox call, the time from the rollback's start to every parameter restored, and how many sequential
 * AWS round trips that took. Target: the restore in one round of parallel calls, under 2 s. Measured
 * after a real cutover (both through dist/, latency off while setting up), for the guide's parameters
 * in the primary Region (3 writes) and in both Regions (6 writes).
 */
import { runAction, startLab, type Lab, type TimedRequest } from '@dbmig/sandbox';
import { describeMachine, printTable, seconds, verdict } from './report.js';

const LATENCY_MS = 50;
const TARGET_MS = 2_000;

interface Figures {
  writes: number;
  restoredMs: number;
  roundTrips: number;
  restoreRounds: number;
}

async function run(lab: Lab, action: string, inputs: Record<string, string>) {
  const result = await runAction({
    actionDir: `actions/${action}`,
    inputs,
    env: lab.env(),
    timeoutMs: 300_000,
  });
  if (result.exitCode !== 0) throw new Error(`${action} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/**
 * The longest chain of calls of which each began after the one before it ended: the sequential round
 * trips, whatever ran beside them. Earliest end first gives the longest such chain.
 */
function sequentialRoundTrips(calls: readonly TimedRequest[]): number {
  let chain = 0;
  let free = -Infinity;
  for (const call of [...calls].sort((a, b) => a.endedAt - b.endedAt)) {
    if (call.startedAt >= free) {
      chain += 1;
      free = call.endedAt;
    }
  }
  return chain;
}

async function measure(lab: Lab, parameterRegions: string): Promise<Figures> {
  lab.sandbox.faults.clear();
  await lab.load('guide-world');
  await run(lab, 'migrate-data', { environment: 'dev', steps: 'postgres,dynamodb' });
  await run(lab, 'verify-v2', { environment: 'dev', check: 'all' });
  await run(lab, 'cutover', {
    environment: 'dev',
    'bake-minutes': '0.1',
    'parameter-regions': parameterRegions,
  });

  lab.sandbox.faults.set([{ operation: '*', latencyMs: LATENCY_MS }]);
  const from = lab.sandbox.timeline.length;
  const rollback = await run(lab, 'rollback', { environment: 'dev' });
  lab.sandbox.faults.clear();
  const restoredMs = Number(
    /Every parameter restored (\d+) ms after the rollback started/.exec(rollback.stdout)?.[1],
  );
  const calls = lab.sandbox.timeline.slice(from);
  const appWrite = (c: TimedRequest) =>
    c.service === 'ssm' &&
    /^(Put|Delete)Parameter$/.test(c.operation) &&
    c.name?.startsWith('/app/') === true;
  const writes = calls.filter(appWrite);
  const lastWrite = Math.max(...writes.map((c) => c.endedAt));
  const upToRestore = calls.filter((c) => c.endedAt <= lastWrite);
  return {
    writes: writes.length,
    restoredMs,
    roundTrips: sequentialRoundTrips(upToRestore),
    // The writes themselves: one round when every write began before the first one ended.
    restoreRounds: sequentialRoundTrips(writes),
  };
}

export async function benchRollback(): Promise<boolean> {
  console.log(`\nRollback: time to every parameter restored, ${LATENCY_MS} ms latency on every AWS call`);
  console.log(describeMachine());
  const lab = await startLab();
  try {
    const primary = await measure(lab, lab.config.regions.primary);
    const both = await measure(lab, `${lab.config.regions.primary},${lab.config.regions.dr}`);
    const rows = [primary, both].map((f, i) => [
      i === 0 ? 'primary Region' : 'both Regions',
      String(f.writes),
      seconds(f.restoredMs / 1000),
      String(f.roundTrips),
      String(f.restoreRounds),
      `×${(f.restoredMs / LATENCY_MS).toFixed(1)} of one call's latency`,
    ]);
    printTable('', [
      [
        'Parameters written',
        'Writes',
        'Start → restored',
        'Sequential round trips',
        'Rounds of writes',
        'Ratio',
      ],
      ...rows,
    ]);
    let ok = true;
    for (const [label, f] of [
      ['primary Region', primary],
      ['both Regions', both],
    ] as const) {
      const met = f.restoreRounds === 1 && f.restoredMs < TARGET_MS;
      ok &&= met;
      console.log(
        verdict(
          met,
          `${label}: ${f.restoreRounds} round of writes, restored in ${seconds(f.restoredMs / 1000)} (target: 1 round, under 2 s)`,
        ),
      );
    }
    return ok;
  } finally {
    await lab.stop();
  }
}
