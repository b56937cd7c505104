import type { QueryService } from '../../protocols/types.js';

export const rdsService: QueryService = {
  signingName: 'rds',
  version: '2014-10-31',
  xmlns: 'http://rds.amazonaws.com/doc/2014-10-31/',
  operations: {},
};
