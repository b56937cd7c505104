import type { Sandbox } from './server.js';

/*
 * The sandbox's clock, moved on purpose: Phase 4 waits seven days after a cutover, which a test or the
 * rehearsal lets pass in a moment. Everything AWS-side reads `sandbox.now()` (SSM's LastModifiedDate
 * and so the ledger's times, snapshot and export states, metric samples, every reply's Date header, from
 * which the SDK corrects its clock), so all of it moves together.
 */

const offsets = new WeakMap<Sandbox, { base: () => Date; offsetMs: number }>();

/** Moves the sandbox's clock forward by `ms` (it keeps running from there). */
export function passTime(sandbox: Sandbox, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`passTime: ${ms} is not a non-negative duration`);
  const state = offsets.get(sandbox) ?? { base: sandbox.now, offsetMs: 0 };
  state.offsetMs += ms;
  offsets.set(sandbox, state);
  const { base } = state;
  sandbox.now = () => new Date(base().getTime() + state.offsetMs);
}

/** Days, for `passTime(sandbox, days(7))`. */
export function days(n: number): number {
  return n * 24 * 60 * 60 * 1000;
}

/** Puts the clock back to the one it ran before the first `passTime`. */
export function resetClock(sandbox: Sandbox): void {
  const state = offsets.get(sandbox);
  if (!state) return;
  sandbox.now = state.base;
  offsets.delete(sandbox);
}
