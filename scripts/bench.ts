/**
 * `npm run bench`: speed figures, measured side by side in one run, printed with ratios. Tests check
 * behaviour; timings live here.
 *
 * Cold start of every bundled action (every actions/<name> with an action.yml and a dist/):
 *   - `node -e 0`: the floor, a bare Node process start with the same binary the actions run on;
 *   - each action's dist/ from process start to exit against the sandbox, through the runner harness,
 *     runs interleaved with the floor's so that both see the same machine. Target: within 4× the floor.
 * verify-v2 (Phase 1), in addition:
 *   - the same AWS and database calls made in-process with warm clients (the sandbox's and the
 *     database's own response time, with the action's concurrency);
 *   - the action's own overhead = the dist/ run minus those round trips. Target: under 300 ms.
 * The data phase (scripts/bench/): the DynamoDB copy against a naive loop and the server's ceiling, the
 * PostgreSQL copy against pg_dump | pg_restore and pgcopydb, and the parity against count(*), a bare read
 * and the usual ordered digest.
 * The rollback (scripts/bench/rollback.ts): with 50 ms latency on every AWS call, the time from its start
 * to every parameter restored and the sequential round trips it took. Target: one round, under 2 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsClients, buildConfig, verifyHealth } from '@dbmig/shared';
import { resolveNode, runAction, startLab, type Lab } from '@dbmig/sandbox';
import { dataBenches } from './bench/data-benches.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const OVERHEAD_TARGET_MS = 300;
const COLD_START_TARGET_RATIO = 4;
const root = join(import.meta.dirname, '..');

/**
 * Inputs that take each action from start to a successful exit against the lab's guide world without
 * changing it (so every run does the same work). An action not listed runs with `environment` only.
 */
const coldStartInputs: Record<string, Record<string, string>> = {
  'verify-v2': { environment: 'dev' }, // the default ssl-mode, require: TLS as in AWS
  'migrate-data': { environment: 'dev', 'dry-run': 'true' },
};

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

/** Every bundled action: its folder under actions/ and the size of what it loads at start and lazily. */
function bundledActions(): { name: string; startupBytes: number; lazyBytes: number }[] {
  const actionsDir = join(root, 'actions');
  return readdirSync(actionsDir)
    .filter((name) => existsSync(join(actionsDir, name, 'action.yml')))
    .filter((name) => existsSync(join(actionsDir, name, 'dist', 'index.js')))
    .map((name) => {
      const dist = join(actionsDir, name, 'dist');
      const chunks = readdirSync(dist).filter((file) => file.endsWith('.js'));
      const size = (file: string) => statSync(join(dist, file)).size;
      return {
        name,
        startupBytes: size('index.js'),
        // ncc names the chunks it loads on demand (dynamic imports) `<id>.index.js`.
        lazyBytes: chunks.filter((f) => f !== 'index.js').reduce((sum, f) => sum + size(f), 0),
      };
    });
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

/** Process start to exit of every bundled action against `node -e 0`; true when all are within target. */
async function benchColdStart(lab: Lab): Promise<{ ok: boolean; verifyMs?: number[]; floor: number }> {
  const node = resolveNode();
  const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const actions = bundledActions();
  const bare: number[] = [];
  const byAction = new Map<string, number[]>(actions.map((a) => [a.name, []]));
  const failed = new Set<string>();

  // Round by round, the floor then each action, so that load on the machine hits them alike.
  for (let round = 0; round <= RUNS; round++) {
    const start = performance.now();
    if (spawnSync(node, ['-e', '0']).status !== 0) throw new Error('node -e 0 failed');
    const bareMs = performance.now() - start;
    if (round > 0) bare.push(bareMs); // round 0 warms the file cache, not counted
    for (const { name } of actions) {
      if (failed.has(name)) continue;
      const run = await runAction({
        actionDir: `actions/${name}`,
        inputs: coldStartInputs[name] ?? { environment: 'dev' },
        env: lab.env(),
      });
      if (run.exitCode !== 0) {
        failed.add(name);
        console.error(
          `${name} failed during the benchmark (exit ${run.exitCode}):\n${run.stdout.slice(-2_000)}`,
        );
        continue;
      }
      if (round > 0) byAction.get(name)!.push(run.durationMs);
    }
  }

  const floor = median(bare);
  console.log(`Cold start, process start to exit against the sandbox, ${RUNS} runs each, ${nodeVersion}:`);
  console.log(row('node -e 0', bare));
  let ok = true;
  for (const { name, startupBytes, lazyBytes } of actions) {
    const times = byAction.get(name)!;
    if (failed.has(name) || times.length === 0) {
      console.log(`  ${name.padEnd(48)} FAILED (see above)`);
      ok = false;
      continue;
    }
    const ratio = median(times) / floor;
    const within = ratio <= COLD_START_TARGET_RATIO;
    ok &&= within;
    console.log(row(`${name} dist/`, times, floor));
    console.log(
      `  ${''.padEnd(48)} ${within ? 'within' : 'OVER'} the ${COLD_START_TARGET_RATIO}× target ` +
        `(${((ratio / COLD_START_TARGET_RATIO) * 100).toFixed(0)} % of it); bundle: ${megabytes(startupBytes)} ` +
        `loaded at start, ${megabytes(lazyBytes)} only on demand`,
    );
  }
  const verifyMs = byAction.get('verify-v2');
  return { ok, floor, ...(verifyMs && verifyMs.length > 0 ? { verifyMs } : {}) };
}

/** verify-v2's own overhead: its dist/ run minus the AWS and database round trips it makes. */
async function benchVerifyOverhead(lab: Lab, actionMs: number[], floor: number): Promise<boolean> {
  // The same calls, in-process, with clients kept warm between runs: what AWS and the database cost.
  const saved = { ...process.env };
  Object.assign(process.env, lab.env());
  const config = buildConfig({ environment: 'dev' });
  const clients = new AwsClients({
    maxAttempts: 3,
    retryMode: 'adaptive',
    services: {
      rds: RDSClient,
      cloudwatch: CloudWatchClient,
      dynamodb: DynamoDBClient,
      secretsManager: SecretsManagerClient,
    },
  });
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

  const overhead = median(actionMs) - median(roundTrips);
  console.log(`verify-v2 (health), ${RUNS} runs each:`);
  console.log(row('verify-v2 dist/, process start to exit', actionMs, floor));
  console.log(row('same AWS + database calls in-process (warm)', roundTrips, floor));
  const verdict = overhead < OVERHEAD_TARGET_MS ? 'within' : 'OVER';
  console.log(
    `  action's own overhead (dist/ − round trips)        ${overhead.toFixed(1).padStart(7)} ms   ` +
      `${verdict} the ${OVERHEAD_TARGET_MS} ms target (${((overhead / OVERHEAD_TARGET_MS) * 100).toFixed(0)} % of it)`,
  );
  return overhead < OVERHEAD_TARGET_MS;
}

/**
 * `npm run bench` runs every benchmark; `npm run bench -- cold-start parity` runs the ones named
 * (cold-start, dynamodb, postgres, parity). Each prints its figures; the exit code says whether every
 * target was met.
 */
async function main(names: string[]): Promise<number> {
  const known = ['cold-start', ...Object.keys(dataBenches)];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(', ')}: choose from ${known.join(', ')}`);
    return 2;
  }
  const chosen = names.length > 0 ? names : known;
  let ok = true;
  if (chosen.includes('cold-start')) {
    console.log('Starting the sandbox and PostgreSQL v1/v2 for the cold-start benchmark…');
    const lab = await startLab();
    try {
      const coldStart = await benchColdStart(lab);
      const overheadOk = coldStart.verifyMs
        ? await benchVerifyOverhead(lab, coldStart.verifyMs, coldStart.floor)
        : true;
      ok = coldStart.ok && overheadOk;
    } finally {
      await lab.stop();
    }
  }
  // One at a time, each with the machine to itself: they measure throughput.
  for (const name of Object.keys(dataBenches).filter((n) => chosen.includes(n))) {
    console.log('');
    ok = (await dataBenches[name]!()) && ok;
  }
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Benchmark could not run:', error);
    process.exit(1);
  },
);
