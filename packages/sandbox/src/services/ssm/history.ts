import type { Parameter } from '../../world/types.js';

/** Parameter Store keeps the last 100 versions of a parameter. */
export const MAX_VERSIONS = 100;

/**
 * Earlier versions of each parameter, kept beside the World's region map (which holds only the
 * current one) and keyed by that map, so a cleared World forgets them too.
 */
const histories = new WeakMap<Map<string, Parameter>, Map<string, Parameter[]>>();

/**
 * Every version of a parameter, oldest first. The current version is always the World's own object,
 * so a parameter a scenario set directly has a history of one.
 */
export function versions(parameters: Map<string, Parameter>, name: string): Parameter[] {
  const current = parameters.get(name);
  if (!current) return [];
  const earlier = (histories.get(parameters)?.get(name) ?? []).filter((v) => v.version < current.version);
  return [...earlier, current];
}

/** Remembers the version about to be replaced, dropping the oldest beyond the limit. */
export function rememberPrevious(parameters: Map<string, Parameter>, previous: Parameter): void {
  let byName = histories.get(parameters);
  if (!byName) {
    byName = new Map();
    histories.set(parameters, byName);
  }
  const kept = [...(byName.get(previous.name) ?? []), { ...previous }];
  // The new version makes one more; labels (which would block this) are not modelled.
  byName.set(previous.name, kept.slice(-(MAX_VERSIONS - 1)));
}

export function forget(parameters: Map<string, Parameter>, name: string): void {
  histories.get(parameters)?.delete(name);
}
