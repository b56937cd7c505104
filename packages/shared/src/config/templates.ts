/** Placeholders a name template may use; `{i}` (the instance index) only in instance patterns. */
export type Placeholder = 'env' | 'i';

/** The placeholders in `template` that are not in `allowed`, as written (e.g. `{envv}`). */
export function unknownPlaceholders(template: string, allowed: readonly Placeholder[]): string[] {
  const found = template.match(/\{[^{}]*\}/g) ?? [];
  return found.filter((token) => !(allowed as readonly string[]).includes(token.slice(1, -1)));
}

/** Fill `{env}`; `{i}` is left for `instanceName`. */
export function fillEnvironment(template: string, environment: string): string {
  return template.split('{env}').join(environment);
}

/** The name of instance `index` from an instance pattern such as `primary-db-instance-v2-{i}-dev`. */
export function instanceName(pattern: string, index: number): string {
  return pattern.split('{i}').join(String(index));
}
