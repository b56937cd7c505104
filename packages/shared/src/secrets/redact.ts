/**
 * Every secret value known to this process. Masking in the runner (`::add-mask::`) only protects the log;
 * outputs, the job summary and error messages are written by us, so they go through `redact` too.
 */
const secrets = new Set<string>();

/** The text that stands for a secret wherever one would have appeared. */
export const redacted = '***';

/** Remember a value so that `redact` hides it. Empty values are ignored: hiding '' would be meaningless. */
export function registerSecret(value: string): void {
  if (value.length > 0) secrets.add(value);
}

/** Replace every registered secret in `text` with `***`. */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  let result = text;
  // Longest first, so that a secret containing another one is hidden whole rather than leaving its rest.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(redacted);
  }
  return result;
}

/** Forget every registered secret; for tests that run several scenarios in one process. */
export function clearSecrets(): void {
  secrets.clear();
}
