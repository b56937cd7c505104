import type { JsonService } from '../../protocols/types.js';
import { getParameter, getParameterHistory, getParameters, getParametersByPath } from './read.js';
import { deleteParameter, deleteParameters, putParameter } from './write.js';

/** SSM Parameter Store (JSON 1.1, `X-Amz-Target: AmazonSSM.<Op>`), state in `world.region(r).parameters`. */
export const ssmService: JsonService = {
  signingName: 'ssm',
  targetPrefix: 'AmazonSSM',
  jsonVersion: '1.1',
  operations: {
    GetParameter: getParameter,
    GetParameters: getParameters,
    GetParameterHistory: getParameterHistory,
    GetParametersByPath: getParametersByPath,
    PutParameter: putParameter,
    DeleteParameter: deleteParameter,
    DeleteParameters: deleteParameters,
  },
};
