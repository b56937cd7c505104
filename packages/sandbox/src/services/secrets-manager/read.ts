import type { JsonHandler } from '../../protocols/types.js';
import { versionNotFound } from './errors.js';
import { requiredString, optionalString } from './input.js';
import { existingSecret, lastChangedAt, liveSecret, versionCreatedAt } from './store.js';

/** The only staging label the sandbox keeps: a secret has one version, the current one. */
export const CURRENT = 'AWSCURRENT';

/** GetSecretValue: the current value, by name or ARN; refused while the secret is scheduled for deletion. */
export const getSecretValue: JsonHandler = (ctx, input) => {
  const secret = liveSecret(ctx, requiredString(input, 'SecretId'));
  const versionId = optionalString(input, 'VersionId');
  const stage = optionalString(input, 'VersionStage');
  if (versionId !== undefined && versionId !== secret.versionId) {
    throw versionNotFound(`VersionId: ${versionId}`);
  }
  if (stage !== undefined && stage !== CURRENT) throw versionNotFound(`staging label: ${stage}`);
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: secret.versionId,
    SecretString: secret.secretString,
    VersionStages: [CURRENT],
    CreatedDate: versionCreatedAt(secret),
  };
};

/**
 * DescribeSecret: the secret's metadata, never its value. Works on a secret scheduled for deletion,
 * which is how a caller sees `DeletedDate`.
 */
export const describeSecret: JsonHandler = (ctx, input) => {
  const secret = existingSecret(ctx, requiredString(input, 'SecretId'));
  return {
    ARN: secret.arn,
    Name: secret.name,
    CreatedDate: secret.createdAt,
    LastChangedDate: lastChangedAt(secret),
    ...(secret.deletedAt ? { DeletedDate: secret.deletedAt } : {}),
    VersionIdsToStages: { [secret.versionId]: [CURRENT] },
  };
};
