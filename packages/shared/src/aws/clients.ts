// Types only: each SDK client package is one CommonJS file holding every command of its service, so a
// value import here would put all five services into every action's bundle. The action that builds an
// AwsClients hands over the classes it uses, and only those packages are bundled.
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DatabaseMigrationServiceClient } from '@aws-sdk/client-database-migration-service';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { MiddlewareStack } from '@smithy/types';
import { annotateCallErrors } from './call-context.js';
import { toolkitName, toolkitVersion } from './version.js';

export type RetryMode = 'adaptive' | 'standard';

/**
 * The SDK client classes an action uses, e.g. `{ rds: RDSClient, cloudwatch: CloudWatchClient }`.
 * A shared module that asks for a service the action did not give fails at once with a message naming it.
 */
export interface AwsServiceClasses {
  rds?: typeof RDSClient;
  dynamodb?: typeof DynamoDBClient;
  dynamodbStreams?: typeof DynamoDBStreamsClient;
  secretsManager?: typeof SecretsManagerClient;
  ssm?: typeof SSMClient;
  cloudwatch?: typeof CloudWatchClient;
  logs?: typeof CloudWatchLogsClient;
  autoScaling?: typeof AutoScalingClient;
  s3?: typeof S3Client;
  ec2?: typeof EC2Client;
  dms?: typeof DatabaseMigrationServiceClient;
}

export interface AwsClientOptions {
  /** Total attempts per call, the first included (the SDK's `maxAttempts`). */
  maxAttempts: number;
  /** `adaptive` adds a client-side rate limiter on top of `standard` retries; it suits bursts of describes. */
  retryMode: RetryMode;
  /** An extra user-agent token, e.g. the action's name, after the toolkit's own. */
  userAgent?: string;
  /** The client classes this action uses; see {@link AwsServiceClasses}. */
  services: AwsServiceClasses;
}

/** The settings every client shares. No `endpoint`: the SDK then honours AWS_ENDPOINT_URL(_<SERVICE>) itself. */
interface SharedClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: RetryMode;
  customUserAgent: [string, string?][];
}

interface Destroyable {
  destroy(): void;
  config: { systemClockOffset?: number };
  // Every SDK client has one; its type parameters differ per client and do not matter to the annotation.
  middlewareStack: unknown;
}

/** Where each service's class comes from, for the message when an action did not pass it. */
const packages: Record<keyof AwsServiceClasses, [className: string, packageName: string]> = {
  rds: ['RDSClient', '@aws-sdk/client-rds'],
  dynamodb: ['DynamoDBClient', '@aws-sdk/client-dynamodb'],
  dynamodbStreams: ['DynamoDBStreamsClient', '@aws-sdk/client-dynamodb-streams'],
  secretsManager: ['SecretsManagerClient', '@aws-sdk/client-secrets-manager'],
  ssm: ['SSMClient', '@aws-sdk/client-ssm'],
  cloudwatch: ['CloudWatchClient', '@aws-sdk/client-cloudwatch'],
  logs: ['CloudWatchLogsClient', '@aws-sdk/client-cloudwatch-logs'],
  autoScaling: ['AutoScalingClient', '@aws-sdk/client-auto-scaling'],
  s3: ['S3Client', '@aws-sdk/client-s3'],
  ec2: ['EC2Client', '@aws-sdk/client-ec2'],
  dms: ['DatabaseMigrationServiceClient', '@aws-sdk/client-database-migration-service'],
};

/**
 * One client per (service, region), created on first use and reused: clients hold connection pools and
 * the adaptive rate limiter's state, both of which only help when shared across calls.
 */
export class AwsClients {
  private readonly options: AwsClientOptions;
  private readonly cache = new Map<string, Destroyable>();
  private lastAwsNow = 0;

  constructor(options: AwsClientOptions) {
    this.options = options;
  }

  rds(region: string): RDSClient {
    return this.client('rds', 'rds', region);
  }

  dynamodb(region: string): DynamoDBClient {
    return this.client('dynamodb', 'dynamodb', region);
  }

  /** Signed and named `dynamodb` by IAM, as the Streams API is (dynamodb:GetRecords). */
  dynamodbStreams(region: string): DynamoDBStreamsClient {
    return this.client('dynamodbStreams', 'dynamodb', region);
  }

  secretsManager(region: string): SecretsManagerClient {
    return this.client('secretsManager', 'secretsmanager', region);
  }

  ssm(region: string): SSMClient {
    return this.client('ssm', 'ssm', region);
  }

  cloudwatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', 'cloudwatch', region);
  }

  autoScaling(region: string): AutoScalingClient {
    return this.client('autoScaling', 'autoscaling', region);
  }

  logs(region: string): CloudWatchLogsClient {
    return this.client('logs', 'logs', region);
  }

  s3(region: string): S3Client {
    return this.client('s3', 's3', region);
  }

  ec2(region: string): EC2Client {
    return this.client('ec2', 'ec2', region);
  }

  dms(region: string): DatabaseMigrationServiceClient {
    return this.client('dms', 'dms', region);
  }

  /**
   * AWS's time now, as far as the clients of this run have seen it, for windows compared with AWS's own
   * timestamps (CloudWatch datapoints, log events). The SDK's signer sets each client's clock offset
   * from the Date header of every answer; that header has whole seconds, so every offset falls short by
   * up to a second and the largest is the best. A client not yet answered (the first look at
   * CloudWatch) borrows it. Never earlier than a time it gave before: a window's end is never before
   * its start.
   */
  awsNow(): Date {
    let offset: number | undefined;
    for (const client of this.cache.values()) {
      const own = client.config.systemClockOffset;
      if (own !== undefined && own !== 0 && (offset === undefined || own > offset)) offset = own;
    }
    this.lastAwsNow = Math.max(this.lastAwsNow, Date.now() + (offset ?? 0));
    return new Date(this.lastAwsNow);
  }

  /** Close every client's sockets so that the process can exit promptly. */
  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }

  /** `iamPrefix` is the service as IAM names it, which error messages quote (`secretsmanager:GetSecretValue`). */
  private client<K extends keyof AwsServiceClasses>(
    service: K,
    iamPrefix: string,
    region: string,
  ): InstanceType<NonNullable<AwsServiceClasses[K]>> {
    type Client = InstanceType<NonNullable<AwsServiceClasses[K]>>;
    const key = `${service}:${region}`;
    const cached = this.cache.get(key);
    if (cached) return cached as Client;
    const Class = this.options.services[service] as (new (config: SharedClientConfig) => Client) | undefined;
    if (!Class) {
      const [className, packageName] = packages[service];
      throw new Error(
        `AwsClients was built without the ${className} class, but a ${service} client was asked for ` +
          `(${region}). Import ${className} from '${packageName}' in the action and add ` +
          `\`${service}: ${className}\` to the services passed to new AwsClients.`,
      );
    }
    const client = new Class({
      region,
      maxAttempts: this.options.maxAttempts,
      retryMode: this.options.retryMode,
      customUserAgent: [
        [toolkitName, toolkitVersion],
        ...(this.options.userAgent ? [[this.options.userAgent] as [string]] : []),
      ],
    });
    annotateCallErrors(client.middlewareStack as MiddlewareStack<object, object>, iamPrefix, region);
    this.cache.set(key, client);
    return client;
  }
}
