import type { RequestContext } from '../../protocols/types.js';
import type { Secret } from '../../world/types.js';
import { markedForDeletion, secretNotFound } from './errors.js';

/** AWS's default recovery window, used for a secret a scenario marked deleted without saying when it goes. */
export const DEFAULT_RECOVERY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What Secrets Manager knows about a secret beyond the World's `Secret`: kept beside it, keyed by the
 * secret object, so that secrets a scenario puts straight into the World need none of it.
 */
interface SecretMeta {
  /** When the current version was created (GetSecretValue `CreatedDate`). */
  versionCreatedAt?: Date;
  /** The last change to the secret (DescribeSecret `LastChangedDate`). */
  lastChangedAt?: Date;
  /** When a scheduled deletion becomes final (DeleteSecret `DeletionDate`). */
  deletionDate?: Date;
}

const metas = new WeakMap<Secret, SecretMeta>();

export function meta(secret: Secret): SecretMeta {
  let found = metas.get(secret);
  if (!found) {
    found = {};
    metas.set(secret, found);
  }
  return found;
}

export function versionCreatedAt(secret: Secret): Date {
  return metas.get(secret)?.versionCreatedAt ?? secret.createdAt;
}

export function lastChangedAt(secret: Secret): Date {
  return metas.get(secret)?.lastChangedAt ?? secret.createdAt;
}

/** The date after which a secret scheduled for deletion is gone for good. */
export function deletionDate(secret: Secret): Date | undefined {
  if (!secret.deletedAt) return undefined;
  return (
    metas.get(secret)?.deletionDate ?? new Date(secret.deletedAt.getTime() + DEFAULT_RECOVERY_DAYS * DAY_MS)
  );
}

export function scheduleDeletion(secret: Secret, now: Date, days: number): Date {
  const date = new Date(now.getTime() + days * DAY_MS);
  secret.deletedAt = now;
  meta(secret).deletionDate = date;
  return date;
}

/**
 * The secret a `SecretId` names in the caller's region: its name, its full ARN, or its ARN without the
 * six random characters AWS appends (a "partial ARN"). A secret whose recovery window has passed on
 * the sandbox's clock is removed first, as AWS would have deleted it.
 */
export function findSecret(ctx: RequestContext, secretId: string): Secret | undefined {
  const secrets = ctx.world.region(ctx.region).secrets;
  const now = ctx.now().getTime();
  for (const [name, secret] of secrets) {
    const until = deletionDate(secret);
    if (until && until.getTime() <= now) secrets.delete(name);
  }
  const byName = secrets.get(secretId);
  if (byName) return byName;
  if (!secretId.startsWith('arn:')) return undefined;
  for (const secret of secrets.values()) {
    if (secret.arn === secretId || withoutSuffix(secret.arn) === secretId) return secret;
  }
  return undefined;
}

/** A secret that must exist and not be scheduled for deletion (reading or changing its value). */
export function liveSecret(ctx: RequestContext, secretId: string): Secret {
  const secret = existingSecret(ctx, secretId);
  if (secret.deletedAt) throw markedForDeletion();
  return secret;
}

/** A secret that must exist, scheduled for deletion or not (DescribeSecret, RestoreSecret). */
export function existingSecret(ctx: RequestContext, secretId: string): Secret {
  const secret = findSecret(ctx, secretId);
  if (!secret) throw secretNotFound();
  return secret;
}

/** `arn:…:secret:name-AbCdEf` → `arn:…:secret:name`. */
function withoutSuffix(arn: string): string {
  return /-[A-Za-z0-9]{6}$/.test(arn) ? arn.slice(0, -7) : arn;
}
