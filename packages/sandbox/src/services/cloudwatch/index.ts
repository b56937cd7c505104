import type { JsonService } from '../../protocols/types.js';
import { getMetricData } from './get-metric-data.js';

/** Amazon CloudWatch over JSON 1.0, query-compatible (errors also carry the Query error code). */
export const cloudWatchService: JsonService = {
  signingName: 'monitoring',
  targetPrefix: 'GraniteServiceVersion20100801',
  jsonVersion: '1.0',
  queryCompatible: true,
  operations: {
    GetMetricData: getMetricData,
  },
};
