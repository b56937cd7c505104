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

/**
 * The timing of an SDK waiter from a step's options: the first delay never more than half the time
 * allowed (so that a short wait still polls twice), the longest never below the first.
 */
export function waiterConfig<C>(
  client: C,
  options: WaitOptions,
  defaults: { minDelaySeconds: number; maxDelaySeconds: number },
): { client: C; minDelay: number; maxDelay: number; maxWaitTime: number } {
  const minDelay = Math.min(options.minDelaySeconds ?? defaults.minDelaySeconds, options.maxWaitSeconds / 2);
  return {
    client,
    minDelay,
    maxDelay: Math.max(minDelay, options.maxDelaySeconds ?? defaults.maxDelaySeconds),
    maxWaitTime: options.maxWaitSeconds,
  };
}

/**
 * The client a waiter polls through: the same client, except that every reply is shown to `observe`
 * first, so that progress is logged from the waiter's own polls, with no extra calls.
 */
export function observing<C extends { send(command: never): Promise<unknown> }, Out>(
  client: C,
  observe: (out: Out) => void,
): C {
  const send = async (command: never): Promise<Out> => {
    const out = (await client.send(command)) as Out;
    observe(out);
    return out;
  };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      property === 'send' ? send : Reflect.get(target, property, receiver),
  });
}

export async function waitFor(
  what: string,
  options: WaitOptions,
  poll: () => Promise<PollResult>,
): Promise<void> {
  const result = await createWaiter(
    waiterConfig(undefined, options, { minDelaySeconds: 5, maxDelaySeconds: 60 }),
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
