import { memberReaders } from '../../protocols/json-members.js';
import { invalidParameter } from './errors.js';

/** Typed reads of a request's members; Logs answers a mistyped member with an InvalidParameterException. */
export const { requiredString, optionalString, optionalInteger, optionalBoolean } =
  memberReaders(invalidParameter);

/** An optional list of strings (e.g. `logStreamNames`). */
export function optionalStrings(input: Record<string, unknown>, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidParameter(`${member} must be a list of strings.`);
  }
  return value as string[];
}

/** A member bounded as the Logs model bounds it, in the words of AWS's validation message. */
export function checkRange(member: string, value: number, min: number, max: number): void {
  if (value < min || value > max) {
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ` +
        `Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
    );
  }
}
