/** Backoff for a batch whose items DynamoDB left unprocessed (or throttled after the SDK's own retries). */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 50, capMs: 5000 };

/**
 * "Full jitter": a uniformly random wait up to min(cap, base · 2^attempt). Many writers backing off
 * together spread out instead of retrying in lockstep (AWS's recommendation for UnprocessedItems).
 */
export function fullJitterDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
}
