import type { JsonService, QueryService } from '../protocols/types.js';
import type { World } from '../world/world.js';
import { autoScalingService } from './autoscaling/index.js';
import { cloudWatchService } from './cloudwatch/index.js';
import { createDmsService, DmsEngine, type DatabaseServerRegistry } from './dms/index.js';
import { createDynamoDbService } from './dynamodb/index.js';
import { logsService } from './logs/index.js';
import { rdsService } from './rds/index.js';
import { secretsManagerService } from './secrets-manager/index.js';
import { ssmService } from './ssm/index.js';

/** Every service the sandbox speaks, one module each; `close` releases what they started. */
export interface ServiceSet {
  query: QueryService[];
  json: JsonService[];
  /** DMS's replication engine, whose background work a scenario load and `close` end. */
  dms: DmsEngine;
  close(): Promise<void>;
}

/** What services with background work need of their sandbox. */
export interface ServiceHost {
  world: World;
  now: () => Date;
  /** The lab's PostgreSQL servers, for DMS's engine. */
  servers: DatabaseServerRegistry;
}

export function createServices(host: ServiceHost): ServiceSet {
  const dynamodb = createDynamoDbService();
  const dms = new DmsEngine(host.world, host.now, host.servers);
  return {
    query: [rdsService, autoScalingService],
    json: [
      dynamodb.service,
      dynamodb.streams,
      cloudWatchService,
      ssmService,
      secretsManagerService,
      logsService,
      createDmsService(dms),
    ],
    dms,
    close: async () => {
      await dms.close();
      await dynamodb.close();
    },
  };
}
