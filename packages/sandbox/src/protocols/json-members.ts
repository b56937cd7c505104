import { AwsError } from '../errors.js';

/** A JSON request's members as handlers read them. */
type Input = Record<string, unknown>;

/**
 * Typed reads of a JSON request's members. A missing required member fails as AWS's request
 * validation does, before any service sees it (the same ValidationException for every JSON service);
 * a mistyped member fails with the service's own error, given as `invalid`.
 */
export function memberReaders(invalid: (message: string) => AwsError) {
  function optionalString(input: Input, member: string): string | undefined {
    const value = input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalid(`${member} must be a string.`);
    return value;
  }

  function requiredString(input: Input, member: string): string {
    const value = optionalString(input, member);
    if (value === undefined) throw memberMustNotBeNull(member);
    return value;
  }

  function optionalBoolean(input: Input, member: string): boolean | undefined {
    const value = input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw invalid(`${member} must be a boolean.`);
    return value;
  }

  function optionalInteger(input: Input, member: string): number | undefined {
    const value = input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`${member} must be an integer.`);
    return value;
  }

  function optionalNumber(input: Input, member: string): number | undefined {
    const value = input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${member} must be a number.`);
    return value;
  }

  function requiredStrings(input: Input, member: string): string[] {
    const value = input[member];
    if (value === undefined || value === null) throw memberMustNotBeNull(member);
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      throw invalid(`${member} must be a list of strings.`);
    }
    return value as string[];
  }

  return {
    optionalString,
    requiredString,
    optionalBoolean,
    optionalInteger,
    optionalNumber,
    requiredStrings,
  };
}

/** AWS names the member in lower camel case in this message (`Name` → `name`). */
export function memberMustNotBeNull(member: string): AwsError {
  const field = member.charAt(0).toLowerCase() + member.slice(1);
  return new AwsError(
    'ValidationException',
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}
