import type { QueryParams } from '../../protocols/types.js';
import { invalidParameterCombination, invalidParameterValue, missingParameter } from './errors.js';

/*
 * Parameters of the RDS operations that change the world: required ones, booleans, and the ones the
 * sandbox does not implement.
 */

export function requiredParam(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw missingParameter(name);
  return value;
}

/** A boolean as AWS Query carries it (`true` / `false`); undefined when absent. */
export function booleanParam(params: QueryParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidParameterValue(`Invalid value ${value} for ${name}. Must be true or false.`);
}

/** Every request carries these two besides the operation's own parameters. */
const ENVELOPE = new Set(['Action', 'Version']);

/**
 * Refuses a request that carries a parameter the sandbox does not implement for `operation`. Ignoring
 * it would answer success for a change that never happened, and a caller would go on believing it.
 */
export function refuseUnsupported(
  params: QueryParams,
  operation: string,
  supported: readonly string[],
): void {
  const known = new Set([...ENVELOPE, ...supported]);
  const unsupported = [...new Set([...params.keys()].map((key) => key.split('.')[0]!))].filter(
    (name) => !known.has(name),
  );
  if (unsupported.length > 0) {
    throw invalidParameterCombination(
      `${operation} with ${unsupported.join(', ')} is not supported by the sandbox (it supports ${supported.join(', ')}).`,
    );
  }
}
