import { validation } from './errors.js';

/** Typed reads of a JSON request's members; a missing or mistyped member fails as AWS's validation does. */

export function requiredString(input: Record<string, unknown>, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined) throw notNull(member);
  return value;
}

export function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`${member} must be a string.`);
  return value;
}

export function optionalBoolean(input: Record<string, unknown>, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw validation(`${member} must be a boolean.`);
  return value;
}

export function optionalNumber(input: Record<string, unknown>, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw validation(`${member} must be an integer.`);
  return value;
}

export function requiredStrings(input: Record<string, unknown>, member: string): string[] {
  const value = input[member];
  if (value === undefined || value === null) throw notNull(member);
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw validation(`${member} must be a list of strings.`);
  }
  return value as string[];
}

function notNull(member: string): Error {
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return validation(
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}
