import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { MiddlewareStack } from '@smithy/types';
import { annotateCallErrors } from './call-context.js';
import { toolkitName, toolkitVersion } from './version.js';

export type RetryMode = 'adaptive' | 'standard';

export interface AwsClientOptions {
  /** Total attempts per call, the first included (the SDK's `maxAttempts`). */
  maxAttempts: number;
  /** `adaptive` adds a client-side rate limiter on top of `standard` retries; it suits bursts of describes. */
  retryMode: RetryMode;
  /** An extra user-agent token, e.g. the action's name, after the toolkit's own. */
  userAgent?: string;
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
  // Every SDK client has one; its type parameters differ per client and do not matter to the annotation.
  middlewareStack: unknown;
}

/**
 * One client per (service, region), created on first use and reused: clients hold connection pools and
 * the adaptive rate limiter's state, both of which only help when shared across calls.
 */
export class AwsClients {
  private readonly options: AwsClientOptions;
  private readonly cache = new Map<string, Destroyable>();

  constructor(options: AwsClientOptions) {
    this.options = options;
  }

  rds(region: string): RDSClient {
    return this.client('rds', region, (config) => new RDSClient(config));
  }

  dynamodb(region: string): DynamoDBClient {
    return this.client('dynamodb', region, (config) => new DynamoDBClient(config));
  }

  secretsManager(region: string): SecretsManagerClient {
    return this.client('secretsmanager', region, (config) => new SecretsManagerClient(config));
  }

  ssm(region: string): SSMClient {
    return this.client('ssm', region, (config) => new SSMClient(config));
  }

  cloudwatch(region: string): CloudWatchClient {
    return this.client('cloudwatch', region, (config) => new CloudWatchClient(config));
  }

  /** Close every client's sockets so that the process can exit promptly. */
  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }

  private client<T extends Destroyable>(
    service: string,
    region: string,
    create: (config: SharedClientConfig) => T,
  ): T {
    const key = `${service}:${region}`;
    const cached = this.cache.get(key);
    if (cached) return cached as T;
    const client = create({
      region,
      maxAttempts: this.options.maxAttempts,
      retryMode: this.options.retryMode,
      customUserAgent: [
        [toolkitName, toolkitVersion],
        ...(this.options.userAgent ? [[this.options.userAgent] as [string]] : []),
      ],
    });
    annotateCallErrors(client.middlewareStack as MiddlewareStack<object, object>, service, region);
    this.cache.set(key, client);
    return client;
  }
}
