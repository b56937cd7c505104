import type { RequestContext } from '../../protocols/types.js';
import { hierarchyTooDeep, validation } from './errors.js';

const MAX_NAME = 1011;
const MAX_LEVELS = 15;
const NAME = /^[a-zA-Z0-9_.\-/]+$/;
const RESERVED = /^\/?(aws|ssm)/i;

/** The parameter's ARN: `arn:aws:ssm:<region>:<account>:parameter/app/dev/x` (one slash, whatever the name). */
export function parameterArn(ctx: RequestContext, name: string): string {
  return ctx.world.arn('ssm', ctx.region, `parameter/${name.replace(/^\//, '')}`);
}

/** PutParameter's rules for a new name: characters, length, depth, and the reserved aws/ssm prefixes. */
export function checkName(name: string): void {
  if (RESERVED.test(name)) {
    throw validation(
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can ' +
        'consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers ' +
        'and the following 3 symbols .-_',
    );
  }
  if (!NAME.test(name) || name.length > MAX_NAME) {
    throw validation(
      `Parameter name must be 1 to ${MAX_NAME} characters of letters, numbers and .-_/ (got "${name}").`,
    );
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validation('Parameter name must be a fully qualified name.');
  }
  if (name.split('/').filter(Boolean).length > MAX_LEVELS) {
    throw hierarchyTooDeep();
  }
}

/** What a read names: a parameter and, optionally, one of its versions (`name:3`) or a label (`name:prod`). */
export interface ParameterSelector {
  name: string;
  /** Named by ARN: `…:parameter/foo` may be the parameter `/foo` or `foo`. */
  byArn?: boolean;
  /** The text after the colon, as the caller wrote it (AWS echoes it as `Selector: ":3"`). */
  selector?: string;
  version?: number;
  label?: string;
}

/**
 * Reads `name`, `name:version`, `name:label`, or the parameter's ARN. Names never contain a colon, so
 * the first colon after the name starts the selector.
 */
export function parseSelector(ctx: RequestContext, text: string): ParameterSelector {
  const arnPrefix = parameterArn(ctx, '');
  const byArn = text.startsWith(arnPrefix);
  const rest = byArn ? text.slice(arnPrefix.length - 1) : text;
  const colon = rest.indexOf(':');
  const base = { name: colon < 0 ? rest : rest.slice(0, colon), ...(byArn ? { byArn } : {}) };
  if (colon < 0) return base;
  const selector = rest.slice(colon + 1);
  return /^\d+$/.test(selector)
    ? { ...base, selector: `:${selector}`, version: Number(selector) }
    : { ...base, selector: `:${selector}`, label: selector };
}
