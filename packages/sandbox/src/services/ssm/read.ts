import type { JsonHandler, RequestContext } from '../../protocols/types.js';
import type { Parameter } from '../../world/types.js';
import {
  hierarchyTooDeep,
  invalidNextToken,
  parameterNotFound,
  parameterVersionNotFound,
  validation,
} from './errors.js';
import { versions } from './history.js';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  requiredStrings,
} from './input.js';
import { parseSelector, type ParameterSelector } from './names.js';
import { apiParameter, historyEntry } from './view.js';

const MAX_NAMES = 10;
const MAX_HISTORY_PAGE = 50;
const MAX_PATH_PAGE = 10;
const MAX_PATH_LEVELS = 15;

type Resolved =
  | { parameter: Parameter; selector: ParameterSelector }
  | { missing: 'parameter' | 'version'; selector: ParameterSelector };

/** The parameter (or the version of it) that a read's name selects in the caller's region. */
function resolve(ctx: RequestContext, text: string): Resolved {
  const selector = parseSelector(ctx, text);
  const parameters = ctx.world.region(ctx.region).parameters;
  const name =
    selector.byArn && !parameters.has(selector.name) ? selector.name.replace(/^\//, '') : selector.name;
  const current = parameters.get(name);
  // Labels are not modelled: no parameter has one, so a label selects nothing.
  if (!current || selector.label !== undefined) return { missing: 'parameter', selector };
  if (selector.version === undefined) return { parameter: current, selector };
  const version = versions(parameters, name).find((v) => v.version === selector.version);
  return version ? { parameter: version, selector } : { missing: 'version', selector };
}

/** GetParameter: one parameter, a SecureString in clear only `WithDecryption`. */
export const getParameter: JsonHandler = (ctx, input) => {
  const text = requiredString(input, 'Name');
  const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
  const found = resolve(ctx, text);
  if ('missing' in found) {
    throw found.missing === 'version'
      ? parameterVersionNotFound(found.selector.name, found.selector.version!)
      : parameterNotFound(text);
  }
  return { Parameter: apiParameter(ctx, found.parameter, withDecryption, found.selector.selector) };
};

/** GetParameters: up to 10 names; the ones that select nothing come back in `InvalidParameters`. */
export const getParameters: JsonHandler = (ctx, input) => {
  const names = requiredStrings(input, 'Names');
  if (names.length < 1 || names.length > MAX_NAMES) {
    throw validation(
      `1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${MAX_NAMES}, Member must have length greater than or equal to 1`,
    );
  }
  const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
  const parameters: Record<string, unknown>[] = [];
  const invalid: string[] = [];
  for (const text of new Set(names)) {
    const found = resolve(ctx, text);
    if ('missing' in found) invalid.push(text);
    else parameters.push(apiParameter(ctx, found.parameter, withDecryption, found.selector.selector));
  }
  return { Parameters: parameters, InvalidParameters: invalid };
};

/** GetParameterHistory: every kept version, oldest first, in pages of up to 50. */
export const getParameterHistory: JsonHandler = (ctx, input) => {
  const text = requiredString(input, 'Name');
  const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
  const pageSize = optionalInteger(input, 'MaxResults') ?? MAX_HISTORY_PAGE;
  if (pageSize < 1 || pageSize > MAX_HISTORY_PAGE) {
    throw validation(`MaxResults must be between 1 and ${MAX_HISTORY_PAGE}.`);
  }
  const found = resolve(ctx, text);
  if ('missing' in found) throw parameterNotFound(text);
  const all = versions(ctx.world.region(ctx.region).parameters, found.parameter.name);
  const start = pageStart(optionalString(input, 'NextToken'), all.length);
  const page = all.slice(start, start + pageSize);
  const next = start + pageSize < all.length ? String(start + pageSize) : undefined;
  return {
    Parameters: page.map((version) => historyEntry(ctx, version, withDecryption)),
    ...(next ? { NextToken: next } : {}),
  };
};

/**
 * GetParametersByPath: the parameters below `Path` (its direct children, or every descendant with
 * `Recursive`), in pages of up to 10. A name is never in its own path: `/a/b` is listed under `/a`, not
 * under `/a/b`. AWS documents no order; the sandbox answers in the order the parameters were created
 * (the World's map order), so a caller that needs an order must sort. Names without a leading slash
 * belong to no hierarchy and are never listed. ParameterFilters are not modelled.
 */
export const getParametersByPath: JsonHandler = (ctx, input) => {
  const path = requiredString(input, 'Path');
  const recursive = optionalBoolean(input, 'Recursive') ?? false;
  const withDecryption = optionalBoolean(input, 'WithDecryption') ?? false;
  const pageSize = optionalInteger(input, 'MaxResults') ?? MAX_PATH_PAGE;
  if (pageSize < 1 || pageSize > MAX_PATH_PAGE) {
    throw validation(
      `1 validation error detected: Value '${pageSize}' at 'maxResults' failed to satisfy constraint: ` +
        `Member must have value ${pageSize < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_PATH_PAGE}`}`,
    );
  }
  if (input['ParameterFilters'] !== undefined) {
    throw validation('The sandbox does not model ParameterFilters of GetParametersByPath.');
  }
  const prefix = hierarchyPrefix(path);
  const below = [...ctx.world.region(ctx.region).parameters.values()].filter((parameter) => {
    if (!parameter.name.startsWith(prefix) || parameter.name.length === prefix.length) return false;
    return recursive || !parameter.name.slice(prefix.length).includes('/');
  });
  const start = pageStart(optionalString(input, 'NextToken'), below.length);
  const page = below.slice(start, start + pageSize);
  const next = start + pageSize < below.length ? String(start + pageSize) : undefined;
  return {
    Parameters: page.map((parameter) => apiParameter(ctx, parameter, withDecryption)),
    ...(next ? { NextToken: next } : {}),
  };
};

/** `/a/b` and `/a/b/` both select what starts with `/a/b/`; a path must be fully qualified. */
function hierarchyPrefix(path: string): string {
  if (!path.startsWith('/') || !/^[a-zA-Z0-9_.\-/]+$/.test(path)) {
    throw validation(
      "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a " +
        'forward slash "/". It must use only letters, numbers, or the following symbols: . (period), - ' +
        '(hyphen), _ (underscore). All sub-paths, if specified, must use the forward slash symbol "/".',
    );
  }
  const prefix = path.endsWith('/') ? path : `${path}/`;
  if (prefix.split('/').filter(Boolean).length > MAX_PATH_LEVELS) throw hierarchyTooDeep();
  return prefix;
}

/** The sandbox's page tokens are offsets; anything else is a token SSM did not issue. */
function pageStart(token: string | undefined, total: number): number {
  if (token === undefined) return 0;
  if (!/^\d+$/.test(token) || Number(token) >= total) throw invalidNextToken();
  return Number(token);
}
