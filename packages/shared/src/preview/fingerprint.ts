import { createHash } from 'node:crypto';
import { InputError } from '../errors/index.js';

/*
 * A plan's fingerprint: one stable hash of exactly what the plan would do, made when the preview is
 * posted and made again by the phase at apply time. When the two differ, the world moved between the
 * approval and the run, and what was approved is not what would happen. It is computed over values that
 * only change when the plan does (names, Regions, hashes of values), never over request ids or times,
 * and a value (a SecureString, a secret) enters only as its SHA-256, so the fingerprint can be shown on
 * a pull request and passed as an input.
 */

/** The phases whose plans are fingerprinted, as the prefix of their fingerprints. */
export type PlanPhase = 'cutover' | 'cleanup';

/** Bumped when what a plan's parts contain changes, so an old fingerprint never matches a new one by accident. */
export const FINGERPRINT_VERSION = 'v1';

/** One part of a plan (one parameter, one deletion step): a label for people and what it does. */
export interface PlanPart {
  label: string;
  /** Plain JSON; secret values only as `digestValue`. */
  content: unknown;
}

export interface PlanFingerprint {
  /** `cutover:v1:<64 hex>`. */
  value: string;
  /** Each part's label and a short digest of its content, in plan order, for the comment and a refusal. */
  parts: { label: string; digest: string }[];
}

const SHAPE = /^(cutover|cleanup):(v\d+):([0-9a-f]{64})$/;

/** The SHA-256 of a value, hex: how a value that must not be shown enters a fingerprint. */
export function digestValue(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The fingerprint of a plan made of `parts`, in order (the order is part of the plan). */
export function fingerprintPlan(phase: PlanPhase, parts: readonly PlanPart[]): PlanFingerprint {
  const digested = parts.map((p) => ({ label: p.label, digest: digestValue(JSON.stringify(p.content)) }));
  // The phase and the format are hashed too: one phase's fingerprint never passes for another's.
  const whole = digestValue(
    JSON.stringify([phase, FINGERPRINT_VERSION, ...digested.map((p) => [p.label, p.digest])]),
  );
  return {
    value: `${phase}:${FINGERPRINT_VERSION}:${whole}`,
    parts: digested.map((p) => ({ label: p.label, digest: p.digest.slice(0, 12) })),
  };
}

/**
 * An `expected-plan` input: the fingerprint a preview showed for this phase, checked for its form before
 * any AWS call so that a truncated paste or another phase's fingerprint is an input error, not a refusal.
 */
export function parseExpectedPlan(input: string, raw: string, phase: PlanPhase): string {
  const value = raw.trim();
  const expected = `the ${phase}-plan fingerprint the preview comment shows (${phase}:${FINGERPRINT_VERSION}: and 64 hex digits)`;
  const match = SHAPE.exec(value);
  if (!match) throw new InputError(input, `must be ${expected}; got '${value.slice(0, 100)}'.`);
  if (match[1] !== phase) {
    throw new InputError(input, `is a ${match[1]} fingerprint; expected ${expected}.`);
  }
  if (match[2] !== FINGERPRINT_VERSION) {
    throw new InputError(
      input,
      `has format ${match[2]}, which this version does not make; run the preview again and use its ${phase}-plan.`,
    );
  }
  return value;
}

/**
 * Undefined when the plan is the one the preview showed; otherwise why not, naming the plan's parts as
 * they are now, so that a reader can set them beside the approved comment's.
 */
export function planChanged(phase: PlanPhase, expected: string, now: PlanFingerprint): string | undefined {
  if (expected === now.value) return undefined;
  const parts = now.parts.map((p) => `${p.label} (${p.digest})`).join('; ');
  return (
    `the ${phase} plan changed since the preview that was approved (expected-plan ${expected}, the plan now ` +
    `${now.value}). The plan now: ${parts || 'nothing to do'}; the preview comment lists each part's digest, ` +
    `so the parts whose digests differ are what changed. Run the preview again and have the new plan approved`
  );
}
