import type { JsonService, QueryService } from '../protocols/types.js';
import { autoScalingService } from './autoscaling/index.js';
import { cloudWatchService } from './cloudwatch/index.js';
import { createDynamoDbService } from './dynamodb/index.js';
import { logsService } from './logs/index.js';
import { rdsService } from './rds/index.js';
import { secretsManagerService } from './secrets-manager/index.js';
import { ssmService } from './ssm/index.js';

/** Every service the sandbox speaks, one module each; `close` releases what they started. */
export interface ServiceSet {
  query: QueryService[];
  json: JsonService[];
  close(): Promise<void>;
}

export function createServices(): ServiceSet {
  const dynamodb = createDynamoDbService();
  return {
    query: [rdsService, autoScalingService],
    json: [
      dynamodb.service,
      dynamodb.streams,
      cloudWatchService,
      ssmService,
      secretsManagerService,
      logsService,
    ],
    close: () => dynamodb.close(),
  };
}
