/**
 * `npm run bench`: speed figures, measured side by side in one run, printed with ratios. Tests check
 * behaviour; timings live here.
 *
 * verify-v2 (Phase 1):
 *   - `node -e 0`: the floor, a bare Node process start with the same binary the action runs on;
 *   - verify-v2's bundled dist/ from process start to exit, through the runner harness;
 *   - the same AWS and database calls made in-process with warm clients (the sandbox's and the
 *     database's own response time, with the action's concurrency);
 *   - the action's own overhead = the dist/ run minus those round trips. Target: under 300 ms.
 */
import { spawnSync } from 'node:child_process';
import { AwsClients, buildConfig, verifyHealth } from '@dbmig/shared';
import { resolveNode, runAction, startLab, type Lab } from '@dbmig/sandbox';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const OVERHEAD_TARGET_MS = 300;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function p90(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)]!;
}

async function measure(runs: number, body: () => Promise<void> | void): Promise<number[]> {
  await body(); // warm-up, not counted
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  return times;
}

function row(label: string, times: number[], floor?: number): string {
  const ratio = floor ? `  ×${(median(times) / floor).toFixed(2)} of node -e 0` : '';
  return `  ${label.padEnd(48)} median ${median(times).toFixed(1).padStart(7)} ms   p90 ${p90(times).toFixed(1).padStart(7)} ms${ratio}`;
}

async function benchVerify(lab: Lab): Promise<boolean> {
  const node = resolveNode();
  const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const inputs = { environment: 'dev' }; // the default ssl-mode, require: TLS as in AWS

  const bare = await measure(RUNS, () => {
    const result = spawnSync(node, ['-e', '0']);
    if (result.status !== 0) throw new Error('node -e 0 failed');
  });

  let actionMs: number[] = [];
  await measure(RUNS, async () => {
    const run = await runAction({ actionDir: 'actions/verify-v2', inputs, env: lab.env() });
    if (run.exitCode !== 0) throw new Error(`verify-v2 failed during the benchmark:\n${run.stdout}`);
    actionMs.push(run.durationMs);
  });
  actionMs = actionMs.slice(1); // the warm-up run

  // The same calls, in-process, with clients kept warm between runs: what AWS and the database cost.
  const saved = { ...process.env };
  Object.assign(process.env, lab.env());
  const config = buildConfig({ environment: 'dev' });
  const clients = new AwsClients({ maxAttempts: 3, retryMode: 'adaptive' });
  const roundTrips = await measure(RUNS, async () => {
    const report = await verifyHealth({
      config,
      clients,
      options: { maxReplicationLagSeconds: 60, expectEmpty: false, sslMode: 'require' },
      mask: () => undefined,
    });
    if (!report.healthy({ failOnWarning: false })) throw new Error('in-process verify was not healthy');
  });
  clients.destroy();
  process.env = saved;

  const floor = median(bare);
  const overhead = median(actionMs) - median(roundTrips);
  console.log(`verify-v2 (health), ${RUNS} runs each, ${nodeVersion}:`);
  console.log(row('node -e 0', bare));
  console.log(row('verify-v2 dist/, process start to exit', actionMs, floor));
  console.log(row('same AWS + database calls in-process (warm)', roundTrips, floor));
  const verdict = overhead < OVERHEAD_TARGET_MS ? 'within' : 'OVER';
  console.log(
    `  action's own overhead (dist/ − round trips)        ${overhead.toFixed(1).padStart(7)} ms   ` +
      `${verdict} the ${OVERHEAD_TARGET_MS} ms target (${((overhead / OVERHEAD_TARGET_MS) * 100).toFixed(0)} % of it)`,
  );
  return overhead < OVERHEAD_TARGET_MS;
}

async function main(): Promise<number> {
  console.log('Starting the sandbox and PostgreSQL v1/v2 for the benchmarks…');
  const lab = await startLab();
  try {
    const ok = await benchVerify(lab);
    return ok ? 0 : 1;
  } finally {
    await lab.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Benchmark could not run:', error);
    process.exit(1);
  },
);
