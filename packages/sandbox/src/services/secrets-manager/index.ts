import type { JsonService } from '../../protocols/types.js';
import { describeSecret, getSecretValue } from './read.js';
import { createSecret, deleteSecret, putSecretValue, restoreSecret } from './write.js';

/** Secrets Manager (JSON 1.1, `X-Amz-Target: secretsmanager.<Op>`), state in `world.region(r).secrets`. */
export const secretsManagerService: JsonService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  operations: {
    GetSecretValue: getSecretValue,
    DescribeSecret: describeSecret,
    CreateSecret: createSecret,
    PutSecretValue: putSecretValue,
    DeleteSecret: deleteSecret,
    RestoreSecret: restoreSecret,
  },
};
