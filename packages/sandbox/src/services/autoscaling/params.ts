import { queryList } from '../../protocols/query.js';
import type { QueryParams } from '../../protocols/types.js';
import { invalidNextToken, validationError } from './errors.js';

/** Request members shared by the Auto Scaling operations: lists (`<Name>.member.N`) and paging. */

export function memberList(params: QueryParams, name: string): string[] {
  return queryList(params, `${name}.member`);
}

export function requiredString(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** An integer member within [min, max], or undefined when absent. */
export function optionalInteger(
  params: QueryParams,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validationError(
      `1 validation error detected: Value '${raw}' at '${lowerFirst(name)}' failed to satisfy constraint: ` +
        `Member must have value between ${min} and ${max}`,
    );
  }
  return value;
}

export function optionalBoolean(params: QueryParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (raw !== 'true' && raw !== 'false') throw validationError(`Invalid boolean value ${raw} for ${name}`);
  return raw === 'true';
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const TOKEN_PREFIX = 'offset:';

/**
 * One page of `items` (kept in their order): `MaxRecords` 1..100, default 50, as both Describe
 * operations document; `NextToken` is the offset of the next item.
 */
export function paginate<T>(items: T[], params: QueryParams): Page<T> {
  const maxRecords = optionalInteger(params, 'MaxRecords', 1, 100) ?? 50;
  const token = params.get('NextToken');
  const offset = token ? decodeToken(token) : 0;
  const page = items.slice(offset, offset + maxRecords);
  const next = offset + page.length;
  return next < items.length ? { items: page, nextToken: encodeToken(next) } : { items: page };
}

function encodeToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): number {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = Number(text.slice(TOKEN_PREFIX.length));
  if (!text.startsWith(TOKEN_PREFIX) || !Number.isInteger(offset) || offset < 0) throw invalidNextToken();
  return offset;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
