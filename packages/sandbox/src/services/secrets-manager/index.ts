import type { JsonService } from '../../protocols/types.js';

export const secretsManagerService: JsonService = {
  signingName: 'secretsmanager',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
  operations: {},
};
