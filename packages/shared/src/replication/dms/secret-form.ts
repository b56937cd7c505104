import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { VerdictError } from '../../errors/index.js';
import { readDatabaseSecret } from '../../resources/secret.js';

/** The keys DMS reads from a secret named by an endpoint's SecretsManagerSecretId. */
const DMS_KEYS = ['username', 'password', 'host', 'port'] as const;

/**
 * DMS takes an endpoint's credentials from a Secrets Manager secret, never from the call, and reads it
 * as a JSON document with `username`, `password`, `host` and `port`. The guide stores a bare password:
 * such a secret is refused here, before anything is created, with what to store instead. Each value
 * read is masked at once; no message quotes one.
 */
export async function checkDmsSecret(
  secrets: SecretsManagerClient,
  secretId: string,
  side: 'v1' | 'v2',
  mask: (value: string) => void,
): Promise<string | undefined> {
  const secret = await readDatabaseSecret(secrets, secretId);
  if (!secret) return `the ${side} secret ${secretId} does not exist`;
  mask(secret.raw);
  mask(secret.credentials.password);
  let doc: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(secret.raw);
    if (parsed && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
  } catch {
    doc = undefined;
  }
  const missing = DMS_KEYS.filter((key) => doc?.[key] === undefined || doc[key] === '');
  if (missing.length === 0) return undefined;
  return (
    `the ${side} secret ${secretId} ${doc ? `lacks ${missing.join(', ')}` : 'holds a bare password'}: DMS reads an endpoint's ` +
    `credentials from a JSON secret {"username", "password", "host", "port"} — store one (a copy of this secret in that form, ` +
    `e.g. ${secretId}-dms) and name it in dms-${side}-secret`
  );
}

/** Every problem of both secrets at once, as one refusal. */
export function refuseSecrets(problems: (string | undefined)[]): void {
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length > 0) {
    throw new VerdictError(`DMS replication refused, nothing was changed: ${found.join('; ')}.`);
  }
}
