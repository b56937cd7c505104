import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonHandler } from '../../protocols/types.js';
import type { Secret } from '../../world/types.js';
import {
  invalidParameter,
  invalidRequest,
  markedForDeletion,
  resourceExists,
  secretNotFound,
} from './errors.js';
import { optionalBoolean, optionalNumber, optionalString, requiredString } from './input.js';
import { CURRENT } from './read.js';
import {
  DEFAULT_RECOVERY_DAYS,
  existingSecret,
  findSecret,
  liveSecret,
  meta,
  scheduleDeletion,
} from './store.js';

const NAME = /^[A-Za-z0-9/_+=.@!-]{1,512}$/;
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * CreateSecret: a new secret with its first version. The SDK fills `ClientRequestToken` itself, and
 * AWS uses it as the VersionId. The World keeps a string value per secret, so the sandbox needs
 * `SecretString` (AWS would also accept a secret with no value, or a binary one).
 */
export const createSecret: JsonHandler = (ctx, input) => {
  const name = requiredString(input, 'Name');
  if (!NAME.test(name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
  const value = secretValue(input);
  const secrets = ctx.world.region(ctx.region).secrets;
  const existing = findSecret(ctx, name);
  if (existing?.deletedAt) {
    throw invalidRequest(
      "You can't create this secret because a secret with this name is already scheduled for deletion.",
    );
  }
  if (existing) throw resourceExists(`The operation failed because the secret ${name} already exists.`);
  const now = ctx.now();
  const secret: Secret = {
    name,
    region: ctx.region,
    arn: ctx.world.arn('secretsmanager', ctx.region, `secret:${name}-${randomSuffix()}`),
    secretString: value,
    versionId: optionalString(input, 'ClientRequestToken') ?? randomUUID(),
    createdAt: now,
  };
  secrets.set(name, secret);
  return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
};

/** PutSecretValue: a new current version. Re-sending the same token with the same value changes nothing. */
export const putSecretValue: JsonHandler = (ctx, input) => {
  const secret = liveSecret(ctx, requiredString(input, 'SecretId'));
  const value = secretValue(input);
  const token = optionalString(input, 'ClientRequestToken') ?? randomUUID();
  if (token === secret.versionId) {
    if (value !== secret.secretString) {
      throw resourceExists("You can't modify an existing version, you can only create a new version.");
    }
  } else {
    const now = ctx.now();
    secret.secretString = value;
    secret.versionId = token;
    Object.assign(meta(secret), { versionCreatedAt: now, lastChangedAt: now });
  }
  return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: [CURRENT] };
};

/**
 * DeleteSecret: scheduled after a recovery window of 7–30 days (30 by default), or at once with
 * `ForceDeleteWithoutRecovery`, never both. A forced delete of a missing secret is not an error.
 */
export const deleteSecret: JsonHandler = (ctx, input) => {
  const secretId = requiredString(input, 'SecretId');
  const days = optionalNumber(input, 'RecoveryWindowInDays');
  const force = optionalBoolean(input, 'ForceDeleteWithoutRecovery') ?? false;
  if (force && days !== undefined) {
    throw invalidParameter(
      "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    );
  }
  if (days !== undefined && !(Number.isInteger(days) && days >= 7 && days <= 30)) {
    throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  const now = ctx.now();
  const secret = findSecret(ctx, secretId);
  if (force) {
    if (!secret) {
      // What AWS echoes for a secret it does not have is unverified; the id is all there is.
      return { [secretId.startsWith('arn:') ? 'ARN' : 'Name']: secretId, DeletionDate: now };
    }
    ctx.world.region(ctx.region).secrets.delete(secret.name);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: now };
  }
  if (!secret) throw secretNotFound();
  if (secret.deletedAt) throw markedForDeletion();
  const until = scheduleDeletion(secret, now, days ?? DEFAULT_RECOVERY_DAYS);
  return { ARN: secret.arn, Name: secret.name, DeletionDate: until };
};

/** RestoreSecret: cancels a scheduled deletion; restoring a secret that is not scheduled is harmless. */
export const restoreSecret: JsonHandler = (ctx, input) => {
  const secret = existingSecret(ctx, requiredString(input, 'SecretId'));
  if (secret.deletedAt) {
    delete secret.deletedAt;
    delete meta(secret).deletionDate;
  }
  return { ARN: secret.arn, Name: secret.name };
};

function secretValue(input: Record<string, unknown>): string {
  const value = optionalString(input, 'SecretString');
  if (input['SecretBinary'] !== undefined) {
    throw invalidParameter(
      value === undefined
        ? 'The sandbox keeps SecretString values only; SecretBinary is not supported.'
        : "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (value === undefined) {
    throw invalidRequest('You must provide either SecretString or SecretBinary.');
  }
  return value;
}

function randomSuffix(): string {
  return [...randomBytes(6)].map((byte) => SUFFIX_CHARS[byte % SUFFIX_CHARS.length]).join('');
}
