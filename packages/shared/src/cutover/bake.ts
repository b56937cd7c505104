import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsClients } from '../aws/clients.js';
import { bakeVerdict, type BakeResult } from '../bake/verdict.js';
import type { MigrationConfig } from '../config/types.js';
import { countErrorLogs } from '../resources/error-logs.js';
import { readConsumedCapacity, readDatabaseConnections } from '../resources/fleet-metrics.js';
import { latest } from '../resources/metric-data.js';

/** How far back the baselines look: long enough to hold a datapoint of a one-minute metric. */
const BASELINE_MINUTES = 10;
/** Samples kept of the error messages, for the summary. */
const ERROR_SAMPLES = 5;

export interface BakeOptions {
  minutes: number;
  maxErrorLogs: number;
  logGroup: string;
  filterPattern: string;
  clusters: { v1: string; v2: string };
  /** The v2 table whose consumed capacity shows the application using it. */
  table: string;
  baselines: Baselines;
  /** When the refreshes finished: the bake judges what happened from then on. */
  since: Date;
}

/** DatabaseConnections of each side just before the cutover, where CloudWatch had a figure. */
export interface Baselines {
  v1?: number;
  v2?: number;
}

export type BakeOutcome = BakeResult & { window: { start: string; end: string } };

/**
 * Each side's connections before anything changes, from the latest minute: v1's peak (what the bake's
 * drain is measured against) and v2's floor. The floor, not the peak, for v2: a re-cutover soon after a
 * rollback finds v2's last minute still holding the peak of the previous cutover, which would make
 * the new traffic look like no rise at all.
 */
export async function readBaselines(
  clients: AwsClients,
  config: MigrationConfig,
  clusters: { v1: string; v2: string },
): Promise<Baselines> {
  const cloudwatch = clients.cloudwatch(config.regions.primary);
  // CloudWatch's timestamps are AWS's: so is the window (the clients' clock offset).
  const end = clients.awsNow();
  const start = new Date(end.getTime() - BASELINE_MINUTES * 60_000);
  const [[v1], [v2]] = await Promise.all([
    readDatabaseConnections(cloudwatch, [clusters.v1], { start, end, stat: 'Maximum' }),
    readDatabaseConnections(cloudwatch, [clusters.v2], { start, end, stat: 'Minimum' }),
  ]);
  const v1Now = latest(v1!)?.value;
  const v2Now = latest(v2!)?.value;
  return { ...(v1Now !== undefined ? { v1: v1Now } : {}), ...(v2Now !== undefined ? { v2: v2Now } : {}) };
}

/**
 * Step 3.3 with a verdict instead of printed figures: for the bake's minutes after the refreshes, polls
 * CloudWatch for v2's connections (peak of the latest minute) above its baseline, v1's (lowest of the
 * latest minute) below its own or at zero, the v2 table's consumed capacity, and the application's
 * error logs against the threshold. Too many errors fail the bake at once; anything else is judged at
 * the end, where a missing figure makes it inconclusive, never passed.
 */
export async function bake(
  clients: AwsClients,
  config: MigrationConfig,
  options: BakeOptions,
  log: (line: string) => void,
): Promise<BakeOutcome> {
  const bakeMs = options.minutes * 60_000;
  const endsAt = Date.now() + bakeMs;
  // Four looks at least, one every half minute at most.
  const pollMs = Math.max(1_000, Math.min(30_000, bakeMs / 4));
  log(
    `Baking for ${options.minutes} min (judged from ${options.since.toISOString()}), looking every ${Math.round(pollMs / 1000)} s.`,
  );
  const cloudwatch = clients.cloudwatch(config.regions.primary);
  const logs = clients.logs(config.regions.primary);
  for (;;) {
    const window = { start: options.since, end: clients.awsNow() };
    const [[v1], [v2], [capacity], errorLogs] = await Promise.all([
      readDatabaseConnections(cloudwatch, [options.clusters.v1], { ...window, stat: 'Minimum' }),
      readDatabaseConnections(cloudwatch, [options.clusters.v2], { ...window, stat: 'Maximum' }),
      readConsumedCapacity(cloudwatch, [options.table], window),
      countErrorLogs(logs, {
        logGroup: options.logGroup,
        filterPattern: options.filterPattern,
        start: window.start,
        end: window.end,
        maxListed: ERROR_SAMPLES,
      }),
    ]);
    const result = bakeVerdict({
      v1Connections: { cluster: options.clusters.v1, points: v1!.points },
      v2Connections: { cluster: options.clusters.v2, points: v2!.points },
      baselines: options.baselines,
      v2Capacity: { table: options.table, read: capacity!.read, write: capacity!.write },
      errorLogs,
      maxErrorLogs: options.maxErrorLogs,
      errorPattern: options.filterPattern,
    });
    const outcome = {
      ...result,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
    };
    log(`Bake so far: ${result.verdict} — ${result.checks.map((c) => `${c.id} ${c.status}`).join(', ')}`);
    const tooManyErrors = result.checks.some((c) => c.id === 'error-logs' && c.status === 'fail');
    if (tooManyErrors || Date.now() >= endsAt) {
      for (const check of result.checks) log(`  ${check.status}: ${check.title}: ${check.detail}`);
      return outcome;
    }
    await sleep(Math.min(pollMs, Math.max(0, endsAt - Date.now())));
  }
}
