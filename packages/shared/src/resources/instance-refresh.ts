import {
  CancelInstanceRefreshCommand,
  DescribeInstanceRefreshesCommand,
  StartInstanceRefreshCommand,
  type AutoScalingClient,
  type InstanceRefresh,
} from '@aws-sdk/client-auto-scaling';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyAwsError, VerdictError } from '../errors/index.js';

/*
 * Step 3.2's rolling restart: an instance refresh per Auto Scaling group, so that every instance is
 * replaced by one that reads the parameters anew. There is no SDK waiter for instance refreshes
 * (../shared/reference/aws.md §7): DescribeInstanceRefreshes is polled with backoff and jitter.
 */

/** Statuses in which a refresh still runs: StartInstanceRefresh is refused while one is in any of them. */
export const ACTIVE_REFRESH_STATUSES: ReadonlySet<string> = new Set([
  'Pending',
  'InProgress',
  'Cancelling',
  'Baking',
  'RollbackInProgress',
]);

/**
 * Statuses after which a refresh will not end Successful: final ones, and the two that can only lead
 * to Cancelled or a rollback. Waiting stops at any of them.
 */
const NOT_SUCCESSFUL: ReadonlySet<string> = new Set([
  'Failed',
  'Cancelled',
  'Cancelling',
  'RollbackInProgress',
  'RollbackFailed',
  'RollbackSuccessful',
]);

export interface RefreshPreferences {
  /** Share of the desired capacity that stays in service while instances are replaced (the guide: 80). */
  minHealthyPercentage: number;
  /** Seconds a new instance is given before it counts as healthy (the guide: 120). */
  instanceWarmup: number;
}

export interface StartedRefresh {
  id: string;
  /** AWS's request id of the StartInstanceRefresh call, for the ledger. */
  requestId?: string;
}

/** The group's refresh that is still running (Pending, InProgress, Cancelling, ...), if any. */
export async function activeRefresh(
  client: AutoScalingClient,
  group: string,
): Promise<InstanceRefresh | undefined> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, NextToken: token }),
    );
    const active = page.InstanceRefreshes?.find((r) => ACTIVE_REFRESH_STATUSES.has(r.Status ?? ''));
    if (active) return active;
    token = page.NextToken;
  } while (token);
  return undefined;
}

/**
 * Starts a refresh of every instance of `group`. SkipMatching is sent as false: the point is to restart
 * instances whose launch configuration did not change, which SkipMatching would leave running.
 */
export async function startRefresh(
  client: AutoScalingClient,
  group: string,
  preferences: RefreshPreferences,
): Promise<StartedRefresh> {
  const region = await client.config.region();
  try {
    const out = await client.send(
      new StartInstanceRefreshCommand({
        AutoScalingGroupName: group,
        Strategy: 'Rolling',
        Preferences: {
          MinHealthyPercentage: preferences.minHealthyPercentage,
          InstanceWarmup: preferences.instanceWarmup,
          SkipMatching: false,
        },
      }),
    );
    if (!out.InstanceRefreshId)
      throw new Error(`StartInstanceRefresh of ${group} returned no InstanceRefreshId`);
    return { id: out.InstanceRefreshId, requestId: out.$metadata.requestId };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'InstanceRefreshInProgressFault') {
      throw new VerdictError(
        `An instance refresh of ${group} (${region}) is already running, so another cannot start: wait for ` +
          `it to finish or cancel it, then re-run the step.`,
      );
    }
    if (name === 'ValidationError' && /not found/i.test(messageOf(error))) {
      throw new VerdictError(
        `The Auto Scaling group ${group} does not exist in ${region}: check auto-scaling-groups in the config.`,
      );
    }
    throw error;
  }
}

/** A refresh to watch: the client of its group's Region. */
export interface RefreshTarget {
  client: AutoScalingClient;
  group: string;
  region: string;
  id: string;
}

/** Where a watched refresh stands. */
export interface RefreshState {
  group: string;
  region: string;
  id: string;
  /** AWS's status; `Unknown` until the first answer. */
  status: string;
  percentageComplete: number;
  statusReason?: string;
  /** Set when the wait ran out before the refresh finished. */
  timedOut?: boolean;
  /** Set when the refresh could not be watched (it vanished, or DescribeInstanceRefreshes failed). */
  error?: string;
}

export interface WaitOptions {
  /** How long to wait for every refresh to finish. */
  timeoutMs: number;
  /** Called when a refresh's status or percentage changes, with a line for the log. */
  onProgress?: (line: string, state: RefreshState) => void;
  signal?: AbortSignal;
  /** Delays between polls (exponential backoff with jitter); defaults 2 s and 15 s. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Some refresh did not end Successful; `states` says how each one ended. */
export class RefreshFailedError extends VerdictError {
  readonly states: RefreshState[];

  constructor(states: RefreshState[]) {
    const failed = states.filter((s) => s.status !== 'Successful');
    super(
      `${failed.map(describeOutcome).join('; ')}.` +
        (failed.length < states.length
          ? ` (${states
              .filter((s) => s.status === 'Successful')
              .map((s) => `${s.group} (${s.region}) ended Successful`)
              .join('; ')}.)`
          : ''),
    );
    this.name = 'RefreshFailedError';
    this.states = states;
  }
}

/**
 * Watches every refresh at once until each is Successful, or will not be, or the time runs out. Throws
 * a {@link RefreshFailedError} when any did not end Successful, and only once every refresh has been
 * seen to its end (or the timeout), so that the message says how each group ended.
 */
export async function waitForRefreshes(
  targets: readonly RefreshTarget[],
  options: WaitOptions,
): Promise<RefreshState[]> {
  const deadline = Date.now() + options.timeoutMs;
  const states = await Promise.all(targets.map((target) => watch(target, deadline, options)));
  options.signal?.throwIfAborted();
  if (states.some((s) => s.status !== 'Successful')) throw new RefreshFailedError(states);
  return states;
}

async function watch(target: RefreshTarget, deadline: number, options: WaitOptions): Promise<RefreshState> {
  const minDelayMs = options.minDelayMs ?? 2_000;
  const maxDelayMs = Math.max(minDelayMs, options.maxDelayMs ?? 15_000);
  const state: RefreshState = {
    group: target.group,
    region: target.region,
    id: target.id,
    status: 'Unknown',
    percentageComplete: 0,
  };
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return state;
    let refresh: InstanceRefresh | null | undefined;
    try {
      refresh = await describe(target);
    } catch (error) {
      if (classifyAwsError(error) !== 'throttled') return { ...state, error: messageOf(error) };
    }
    if (refresh === null) return { ...state, error: `refresh ${target.id} is not found` };
    if (refresh) {
      const before = `${state.status} ${state.percentageComplete}`;
      state.status = refresh.Status ?? 'Unknown';
      state.percentageComplete = refresh.PercentageComplete ?? state.percentageComplete;
      if (refresh.StatusReason) state.statusReason = refresh.StatusReason;
      else delete state.statusReason;
      if (`${state.status} ${state.percentageComplete}` !== before)
        options.onProgress?.(progressLine(state), { ...state });
      if (state.status === 'Successful' || NOT_SUCCESSFUL.has(state.status)) return state;
    }
    const cap = Math.min(maxDelayMs, minDelayMs * 2 ** (attempt - 1));
    const delay = minDelayMs + Math.random() * (cap - minDelayMs);
    const left = deadline - Date.now();
    if (left <= 0) return { ...state, timedOut: true };
    try {
      await sleep(Math.min(delay, left), undefined, { signal: options.signal });
    } catch {
      return state; // aborted
    }
  }
}

export interface CancelOptions {
  /** How long to wait for the refresh to stop; default 120 s. */
  timeoutMs?: number;
  /** Delay between polls; default 1 s. */
  pollMs?: number;
}

/**
 * Cancels the group's running refresh, if there is one, and waits until it has stopped (Cancelled, or
 * another final status it reached first). Returns the id of the refresh it cancelled, or undefined when
 * none was running.
 */
export async function cancelRefresh(
  client: AutoScalingClient,
  group: string,
  options: CancelOptions = {},
): Promise<string | undefined> {
  const region = await client.config.region();
  let id: string | undefined;
  try {
    const out = await client.send(new CancelInstanceRefreshCommand({ AutoScalingGroupName: group }));
    id = out.InstanceRefreshId;
  } catch (error) {
    if (error instanceof Error && error.name === 'ActiveInstanceRefreshNotFoundFault') return undefined;
    throw error;
  }
  if (!id) return undefined;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const pollMs = options.pollMs ?? 1_000;
  const deadline = Date.now() + timeoutMs;
  let status = 'Cancelling';
  for (;;) {
    let refresh: InstanceRefresh | null | undefined;
    try {
      refresh = await describe({ client, group, region, id });
    } catch (error) {
      if (classifyAwsError(error) !== 'throttled') throw error;
    }
    if (refresh === null) return id; // no longer listed: nothing runs any more
    if (refresh) status = refresh.Status ?? status;
    if (!ACTIVE_REFRESH_STATUSES.has(status)) return id;
    if (Date.now() + pollMs > deadline) {
      throw new VerdictError(
        `The instance refresh ${id} of ${group} (${region}) was asked to cancel but is still ${status} after ` +
          `${Math.round(timeoutMs / 1000)} s: check it in the EC2 Auto Scaling console before re-running.`,
      );
    }
    await sleep(pollMs);
  }
}

/** One poll: the refresh, null when AWS no longer lists it. */
async function describe(target: RefreshTarget): Promise<InstanceRefresh | null> {
  const out = await target.client.send(
    new DescribeInstanceRefreshesCommand({
      AutoScalingGroupName: target.group,
      InstanceRefreshIds: [target.id],
    }),
  );
  return out.InstanceRefreshes?.find((r) => r.InstanceRefreshId === target.id) ?? null;
}

function progressLine(state: RefreshState): string {
  const reason = state.statusReason ? ` (${state.statusReason})` : '';
  return (
    `Instance refresh ${state.id} of ${state.group} (${state.region}): ${state.status}, ` +
    `${state.percentageComplete}% complete${reason}.`
  );
}

function describeOutcome(state: RefreshState): string {
  const what = `The instance refresh ${state.id} of ${state.group} (${state.region})`;
  if (state.error) return `${what} could not be watched: ${state.error}`;
  if (state.timedOut) {
    return `${what} did not finish in time: still ${state.status} at ${state.percentageComplete}%`;
  }
  const reason = state.statusReason ? `: ${state.statusReason}` : '';
  return `${what} ended ${state.status} at ${state.percentageComplete}%${reason}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
