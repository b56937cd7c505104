import { InputError } from '../errors/input-error.js';

const maxLength = 20;

/**
 * The environment name ends up inside every resource name and SSM path, so it must be safe in all of them:
 * no path tricks (`../x`), no case that RDS would fold (`Prod`), no spaces, and nothing that makes an RDS
 * identifier invalid ('--' or a trailing hyphen).
 */
export function validateEnvironment(value: string, input = 'environment'): string {
  const valid =
    value.length <= maxLength &&
    /^[a-z][a-z0-9-]*$/.test(value) &&
    !value.includes('--') &&
    !value.endsWith('-');
  if (!valid) {
    const got = value.length === 0 ? 'it is empty' : `got '${value}'`;
    throw new InputError(
      input,
      `must be a lowercase letter followed by lowercase letters, digits or single hyphens, at most ${maxLength} ` +
        `characters in all and not ending in a hyphen (e.g. dev, staging, prod-eu); ${got}.`,
    );
  }
  return value;
}
