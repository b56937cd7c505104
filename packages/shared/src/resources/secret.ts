import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isNotFound } from '../errors/index.js';

export interface DatabaseCredentials {
  /** From the secret when it is a JSON document with a username, else undefined (use the configured user). */
  username?: string;
  password: string;
}

/**
 * The database password kept in Secrets Manager: the guide stores the bare password as SecretString;
 * RDS-managed and rotation secrets are JSON documents with `username` and `password`.
 * Returns `undefined` when the secret does not exist. The caller must mask what it gets back.
 */
export async function readDatabaseSecret(
  secrets: SecretsManagerClient,
  secretId: string,
): Promise<{ raw: string; credentials: DatabaseCredentials } | undefined> {
  let raw: string | undefined;
  try {
    raw = (await secrets.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (raw === undefined)
    throw new Error(`secret ${secretId} has no SecretString (binary secrets are not supported)`);
  return { raw, credentials: parseDatabaseSecret(raw, secretId) };
}

export function parseDatabaseSecret(raw: string, secretId: string): DatabaseCredentials {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('{')) {
    if (trimmed === '') throw new Error(`secret ${secretId} is empty`);
    return { password: raw };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    // Never quote the value: it is the secret.
    throw new Error(`secret ${secretId} starts with "{" but is not valid JSON`);
  }
  const { username, password } = doc as { username?: unknown; password?: unknown };
  if (typeof password !== 'string' || password === '') {
    throw new Error(`secret ${secretId} is a JSON document without a non-empty string "password" key`);
  }
  if (username !== undefined && typeof username !== 'string') {
    throw new Error(`secret ${secretId} has a "username" that is not a string`);
  }
  return { password, ...(username ? { username } : {}) };
}
