import { queryFilters } from '../../protocols/query.js';
import type { QueryParams } from '../../protocols/types.js';
import { invalidParameterValue } from './errors.js';

/**
 * Request parameters shared by the RDS Describe* operations: identifiers (which may be ARNs),
 * `Filters.Filter.N`, and `MaxRecords` / `Marker` paging.
 */

/** RDS identifiers are not case-sensitive (AWS keeps them lower-case); an ARN names the same resource. */
export function namesResource(value: string, resource: { identifier: string; arn: string }): boolean {
  const wanted = value.toLowerCase();
  return wanted === resource.identifier.toLowerCase() || wanted === resource.arn.toLowerCase();
}

/** A filter name an operation accepts, and whether an item matches one of the filter's values. */
export type FilterMatchers<T> = Record<string, (item: T, value: string) => boolean>;

/**
 * Keeps the items that match every filter (a filter matches when any of its values does). A filter name
 * the operation does not know is refused, as AWS does, rather than ignored: an ignored filter would
 * return more than the caller asked for.
 */
export function applyFilters<T>(items: T[], params: QueryParams, matchers: FilterMatchers<T>): T[] {
  let kept = items;
  for (const [name, values] of queryFilters(params)) {
    const matches = matchers[name];
    if (!matches) throw invalidParameterValue(`Unrecognized filter name: ${name}.`);
    if (values.length === 0) throw invalidParameterValue(`The filter ${name} must have at least one value.`);
    kept = kept.filter((item) => values.some((value) => matches(item, value)));
  }
  return kept;
}

export interface Page<T> {
  items: T[];
  /** Set when more records follow; the caller passes it back as `Marker`. */
  marker?: string;
}

const MARKER_PREFIX = 'after:';

/**
 * One page of `items`, ordered by `key`. `MaxRecords` is 20..100 (default 100) as for every RDS
 * Describe*. The marker names the last key returned, so that a page boundary stays right when
 * resources are added or removed between calls.
 */
export function paginate<T>(items: T[], params: QueryParams, key: (item: T) => string): Page<T> {
  const maxRecords = readMaxRecords(params);
  const sorted = [...items].sort((a, b) => compare(key(a), key(b)));
  const marker = params.get('Marker');
  const after = marker ? decodeMarker(marker) : undefined;
  const rest = after === undefined ? sorted : sorted.filter((item) => compare(key(item), after) > 0);
  const page = rest.slice(0, maxRecords);
  const last = page[page.length - 1];
  return rest.length > maxRecords && last
    ? { items: page, marker: encodeMarker(key(last)) }
    : { items: page };
}

function readMaxRecords(params: QueryParams): number {
  const raw = params.get('MaxRecords');
  if (raw === null) return 100;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 20 || value > 100) {
    throw invalidParameterValue(`Invalid value ${raw} for MaxRecords. Must be between 20 and 100.`);
  }
  return value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeMarker(lastKey: string): string {
  return Buffer.from(MARKER_PREFIX + lastKey, 'utf8').toString('base64url');
}

function decodeMarker(marker: string): string {
  const text = Buffer.from(marker, 'base64url').toString('utf8');
  if (!text.startsWith(MARKER_PREFIX)) throw invalidParameterValue(`Invalid marker: ${marker}`);
  return text.slice(MARKER_PREFIX.length);
}
