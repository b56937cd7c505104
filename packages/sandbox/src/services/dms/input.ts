import { memberReaders } from '../../protocols/json-members.js';
import { invalidParameter } from './errors.js';

export const { requiredString, optionalString, optionalBoolean, optionalInteger } =
  memberReaders(invalidParameter);

/** A describe call's `Filters`: each name with the values any of which may match. */
export interface Filter {
  name: string;
  values: string[];
}

export function filtersOf(input: Record<string, unknown>, allowed: readonly string[]): Filter[] {
  const raw = input['Filters'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidParameter('Filters must be a list.');
  return raw.map((item: unknown) => {
    const { Name, Values } = (item ?? {}) as { Name?: unknown; Values?: unknown };
    if (typeof Name !== 'string' || !allowed.includes(Name)) {
      throw invalidParameter(`Invalid filter name: ${String(Name)}. Valid names: ${allowed.join(', ')}`);
    }
    if (!Array.isArray(Values) || !Values.every((v) => typeof v === 'string')) {
      throw invalidParameter(`Filter ${Name} needs a list of Values.`);
    }
    return { name: Name, values: Values as string[] };
  });
}

/** Whether `item` passes every filter, `field` giving its value for a filter name. */
export function matches<T>(
  item: T,
  filters: Filter[],
  field: (item: T, name: string) => string | undefined,
): boolean {
  return filters.every((filter) => {
    const value = field(item, filter.name);
    return value !== undefined && filter.values.some((v) => v.toLowerCase() === value.toLowerCase());
  });
}

/** One page of `items`: `Marker` is the offset of the first item, as an opaque string to the caller. */
export function page<T>(
  items: T[],
  input: Record<string, unknown>,
  limits: { min: number; max: number; default: number },
): { items: T[]; marker?: string } {
  const maxRecords = optionalInteger(input, 'MaxRecords') ?? limits.default;
  if (maxRecords < limits.min || maxRecords > limits.max) {
    throw invalidParameter(`MaxRecords must be between ${limits.min} and ${limits.max}.`);
  }
  const marker = optionalString(input, 'Marker');
  const start = marker === undefined ? 0 : Number.parseInt(marker, 10);
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Marker is not valid.');
  const slice = items.slice(start, start + maxRecords);
  const next = start + maxRecords;
  return next < items.length ? { items: slice, marker: String(next) } : { items: slice };
}
