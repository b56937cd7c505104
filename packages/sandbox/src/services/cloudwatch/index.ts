import type { JsonService } from '../../protocols/types.js';

export const cloudWatchService: JsonService = {
  signingName: 'monitoring',
  targetPrefix: 'GraniteServiceVersion20100801',
  jsonVersion: '1.0',
  queryCompatible: true,
  operations: {},
};
