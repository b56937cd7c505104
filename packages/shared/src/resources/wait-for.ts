import { checkExceptions, createWaiter, WaiterState } from '@smithy/core/client';

/*
 * A waiter for the states AWS has no waiter for (a global cluster gone, a table replica removed): the
 * SDK's own waiter machinery (createWaiter, which every generated `waitUntil*` uses), so that the
 * backoff, jitter and time limit are the SDK's, not a hand-written loop of sleeps.
 */

export type PollResult = { done: true } | { done: false; state: string } | { failed: string };

export interface WaitOptions {
  maxWaitSeconds: number;
  minDelaySeconds?: number;
  maxDelaySeconds?: number;
}

export async function waitFor(
  what: string,
  options: WaitOptions,
  poll: () => Promise<PollResult>,
): Promise<void> {
  const minDelay = Math.min(options.minDelaySeconds ?? 5, options.maxWaitSeconds / 2);
  const result = await createWaiter(
    {
      client: undefined,
      minDelay,
      maxDelay: Math.max(minDelay, options.maxDelaySeconds ?? 60),
      maxWaitTime: options.maxWaitSeconds,
    },
    undefined,
    async () => {
      try {
        const polled = await poll();
        if ('failed' in polled) return { state: WaiterState.FAILURE, reason: polled.failed };
        if (polled.done) return { state: WaiterState.SUCCESS };
        return { state: WaiterState.RETRY, reason: polled.state };
      } catch (error) {
        // As the generated waiters do: an error no acceptor names is polled again.
        return { state: WaiterState.RETRY, reason: error instanceof Error ? error.message : String(error) };
      }
    },
  );
  try {
    checkExceptions(result);
  } catch (error) {
    throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
