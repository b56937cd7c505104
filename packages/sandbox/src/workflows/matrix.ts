import type { Plain } from './expressions.js';

/** One leg of a matrix job: its `matrix` context. */
export type MatrixLeg = Record<string, Plain>;

const isObject = (value: Plain | undefined): value is Record<string, Plain> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matches = (leg: MatrixLeg, partial: Record<string, Plain>): boolean =>
  Object.entries(partial).every(([key, value]) => JSON.stringify(leg[key]) === JSON.stringify(value));

/**
 * The legs of `strategy.matrix` as GitHub expands them: the product of every list, less each `exclude`
 * that matches a leg, then each `include` added to every leg whose original values it does not change,
 * or as a leg of its own when it fits none. No strategy: one leg with an empty matrix.
 */
export function expandMatrix(strategy: Plain | undefined, where: string): MatrixLeg[] {
  const matrix = isObject(strategy) ? strategy['matrix'] : undefined;
  if (matrix === undefined || matrix === null) return [{}];
  if (!isObject(matrix)) throw new Error(`${where}: strategy.matrix must be a mapping`);
  const { include, exclude, ...lists } = matrix;
  let legs: MatrixLeg[] = [{}];
  for (const [key, values] of Object.entries(lists)) {
    if (!Array.isArray(values)) throw new Error(`${where}: strategy.matrix.${key} must be a list`);
    legs = legs.flatMap((leg) => values.map((value) => ({ ...leg, [key]: value })));
  }
  if (Object.keys(lists).length === 0) legs = [];
  for (const entry of Array.isArray(exclude) ? exclude : []) {
    if (isObject(entry)) legs = legs.filter((leg) => !matches(leg, entry));
  }
  const originals = Object.keys(lists);
  for (const entry of Array.isArray(include) ? include : []) {
    if (!isObject(entry)) continue;
    let added = false;
    legs = legs.map((leg) => {
      const changesOriginal = originals.some(
        (key) => key in entry && JSON.stringify(leg[key]) !== JSON.stringify(entry[key]),
      );
      if (changesOriginal) return leg;
      added = true;
      return { ...leg, ...entry };
    });
    if (!added) legs.push({ ...entry });
  }
  return legs;
}

/** How GitHub names a leg whose `name:` does not use the matrix: `preview (dev)`, `build (20, linux)`. */
export function legName(name: string, leg: MatrixLeg): string {
  const values = Object.values(leg).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  return values.length > 0 ? `${name} (${values.join(', ')})` : name;
}
