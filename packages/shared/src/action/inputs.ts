import * as core from '@actions/core';
import { InputError } from '../errors/input-error.js';

// Input readers. Values come from `INPUT_<NAME>` through core.getInput (name uppercased, spaces to '_',
// hyphens kept), trimmed. An empty input means "not set": the runner passes '' for inputs the workflow omits.

export interface StringInputOptions {
  required?: boolean;
  default?: string;
}

export function readString(name: string, options: StringInputOptions = {}): string | undefined {
  const value = core.getInput(name);
  if (value !== '') return value;
  if (options.default !== undefined) return options.default;
  if (options.required) {
    throw new InputError(
      name,
      `is required but was not set; add \`${name}: <value>\` under \`with:\` in the workflow step.`,
    );
  }
  return undefined;
}

/** `true` or `false` in any letter case (the runner passes workflow booleans as text). */
export function readBoolean(name: string, options: { default: boolean }): boolean {
  const value = core.getInput(name);
  if (value === '') return options.default;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new InputError(name, `must be true or false; got '${value}'.`);
}

export interface IntegerInputOptions {
  default?: number;
  /** Smallest accepted value; 0 unless given, since counts and durations are never negative. */
  min?: number;
  max?: number;
}

export function readInteger(name: string, options: IntegerInputOptions = {}): number | undefined {
  const value = core.getInput(name);
  if (value === '') return options.default;
  const min = options.min ?? 0;
  const expected =
    options.max === undefined
      ? `a whole number of at least ${min}`
      : `a whole number from ${min} to ${options.max}`;
  const parsed = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || (options.max !== undefined && parsed > options.max)) {
    throw new InputError(name, `must be ${expected}; got '${value}'.`);
  }
  return parsed;
}

/** One of a fixed set of words; matched in any letter case and returned as spelled in `allowed`. */
/**
 * A decimal number (`1.5`, `0.25`): for durations where a fraction of a minute or an hour is meaningful,
 * such as a short bake in a rehearsal. Same bounds and message shape as readInteger.
 */
export function readDecimal(name: string, options: IntegerInputOptions = {}): number | undefined {
  const value = core.getInput(name);
  if (value === '') return options.default;
  const min = options.min ?? 0;
  const expected =
    options.max === undefined ? `a number of at least ${min}` : `a number from ${min} to ${options.max}`;
  const parsed = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < min || (options.max !== undefined && parsed > options.max)) {
    throw new InputError(name, `must be ${expected} (e.g. 15 or 0.5); got '${value}'.`);
  }
  return parsed;
}

export function readChoice<T extends string>(name: string, allowed: readonly T[], defaultValue: T): T {
  const value = core.getInput(name);
  if (value === '') return defaultValue;
  const match = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
  if (match === undefined)
    throw new InputError(name, `must be one of ${allowed.join(', ')}; got '${value}'.`);
  return match;
}
