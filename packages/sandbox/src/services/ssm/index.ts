import type { JsonService } from '../../protocols/types.js';

export const ssmService: JsonService = {
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  jsonVersion: '1.1',
  operations: {},
};
