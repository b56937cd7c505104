import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_CREDENTIALS } from './credentials.js';
import { AwsError } from './errors.js';
import { FaultInjector, type FaultRule } from './faults.js';
import { Fleet } from './fleet/index.js';
import { JsonDispatcher, jsonError } from './protocols/json.js';
import { QueryDispatcher, queryError } from './protocols/query.js';
import type { JsonService, RawReply, RequestContext } from './protocols/types.js';
import { createServices, type ServiceSet } from './services/index.js';
import { DatabaseServerRegistry, type DmsEngine } from './services/dms/index.js';
import { answerEc2, EC2_SIGNING_NAME, ec2Operation } from './services/ec2/index.js';
import { answerS3, s3Operation, S3_SIGNING_NAME } from './services/s3/index.js';
import { credentialScope } from './sigv4.js';
import { World } from './world/world.js';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. The server listens on 127.0.0.1 only. */
  port?: number;
  faults?: FaultRule[];
  /** Seed of the fault generator, for repeatable runs. */
  seed?: number;
}

/**
 * When a call came and went (ms on the sandbox process's clock), and for SSM the parameter it named: the
 * benchmarks count sequential round trips from it.
 */
export interface TimedRequest {
  service: string;
  operation: string;
  region: string;
  /** SSM's `Name`, when the call names one parameter. */
  name?: string;
  startedAt: number;
  endedAt: number;
}

/** One call the sandbox answered: tests use the log to prove which calls were (or were not) made. */
export interface RequestRecord {
  service: string;
  operation: string;
  region: string;
  status: number;
  fault?: 'throttle' | 'server-error';
  /** The action whose AWS clients made the call, read from the toolkit's token in the user agent. */
  caller?: string;
}

/** A call about to be answered, as {@link Sandbox.beforeAnswer} sees it. */
export interface CallInFlight {
  service: string;
  operation: string;
  region: string;
}

/**
 * A local AWS endpoint that the real SDK v3 clients reach through `AWS_ENDPOINT_URL`. It keeps an
 * in-memory {@link World} per region and answers each service in its own wire protocol.
 */
export class Sandbox {
  readonly world = new World();
  readonly faults: FaultInjector;
  readonly requests: RequestRecord[] = [];
  /** The same calls with their times, in the order they were answered. */
  readonly timeline: TimedRequest[] = [];
  /** The sandbox's clock; tests may replace it to move time. */
  now: () => Date = () => new Date();
  /**
   * Asked about every call, of every service, before it is answered. A crash test kills the caller's process here, at an exact point between two calls, and
   * answers `drop`: the call is then not carried out (a 503 goes to a caller already gone).
   */
  beforeAnswer?: (call: CallInFlight) => Promise<'answer' | 'drop'> | 'answer' | 'drop';
  /**
   * The application instances of the world's Auto Scaling groups (./fleet/). Their session writes go
   * through this sandbox's own endpoint, read once it listens.
   */
  readonly fleet = new Fleet(this.world, () => this.now(), { endpoint: () => this.baseUrl });
  /** The PostgreSQL servers DMS's engine may reach with superuser rights (the lab registers its own). */
  readonly databaseServers = new DatabaseServerRegistry();

  private readonly query = new QueryDispatcher();
  private readonly json = new JsonDispatcher();
  private readonly services: ServiceSet;
  private server?: Server;
  private baseUrl = '';
  /**
   * Where the calls of the toolkit's actions go, one JSON line each, when DBMIG_AWS_USAGE_DIR is set (Jest's
   * global setup sets it): one file per sandbox, so that no two writers share one.
   */
  private readonly usageFile = process.env['DBMIG_AWS_USAGE_DIR']
    ? path.join(process.env['DBMIG_AWS_USAGE_DIR'], `sandbox-${process.pid}-${randomUUID()}.jsonl`)
    : undefined;

  private constructor(options: SandboxOptions) {
    this.faults = new FaultInjector(options.faults ?? [], options.seed ?? 1);
    this.services = createServices({
      world: this.world,
      now: () => this.now(),
      servers: this.databaseServers,
    });
    for (const service of this.services.query) this.query.register(service);
    for (const service of this.services.json) this.json.register(service);
  }

  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const sandbox = new Sandbox(options);
    await sandbox.listen(options.port ?? 0);
    sandbox.fleet.start();
    return sandbox;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** The variables that point an SDK client (or an action's dist/) at this sandbox. */
  env(region = 'us-east-1'): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.baseUrl,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
    };
  }

  /** DMS's replication engine: its tasks' background work, which `lab.load` ends before a scenario. */
  get dms(): DmsEngine {
    return this.services.dms;
  }

  /** Calls made so far, optionally only those of one service. */
  calls(service?: string): RequestRecord[] {
    return service ? this.requests.filter((r) => r.service === service) : [...this.requests];
  }

  async stop(): Promise<void> {
    // First, while the databases and services it uses are still there.
    await this.fleet.stop();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.services.close();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // A bug in the sandbox must be loud, never a silent empty success.
        console.error('sandbox: internal error', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`sandbox internal error: ${String(error)}`);
      });
    });
    server.keepAliveTimeout = 1000;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as AddressInfo;
        this.baseUrl = `http://127.0.0.1:${bound}`;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const headers = flatHeaders(req);
    const reply = await this.answer(body, headers, req.method ?? 'GET', req.url ?? '/');
    // AWS's Date header, from the sandbox's clock: the SDK corrects its clock skew from it, and the
    // toolkit measures freshness on AWS's time through that correction (shared aws/clients.ts, awsNow).
    res.writeHead(reply.status, { date: this.now().toUTCString(), ...reply.headers });
    res.end(reply.body);
  }

  private async answer(
    body: Buffer,
    headers: Record<string, string>,
    method: string,
    url: string,
  ): Promise<RawReply> {
    const scope = credentialScope(headers['authorization']);
    const target = headers['x-amz-target'];
    const jsonTarget = this.json.resolve(target);
    const ctx: CallerContext = {
      caller: callerAction(headers['x-amz-user-agent'] ?? headers['user-agent']),
      resources: this.usageFile ? namedResources(body, url) : [],
      region: scope?.region ?? 'us-east-1',
      service: scope?.service ?? 'unknown',
      operation: 'Unknown',
      requestId: randomUUID(),
      world: this.world,
      now: () => this.now(),
    };

    if (jsonTarget) {
      ctx.service = jsonTarget.service.signingName;
      ctx.operation = jsonTarget.operation;
      return this.record(
        ctx,
        () => this.json.dispatch(ctx, jsonTarget.service, body, headers),
        jsonTarget.service,
        ctx.service === 'ssm' ? parameterName(body) : undefined,
      );
    }
    if (ctx.service === S3_SIGNING_NAME) {
      // S3 is REST: the operation is the method and path (services/s3/).
      ctx.operation = s3Operation(method, url);
      return this.record(ctx, async () => answerS3(ctx, method, url));
    }
    if (ctx.service === EC2_SIGNING_NAME) {
      // EC2's Query dialect has envelopes of its own (services/ec2/protocol.ts).
      ctx.operation = ec2Operation(body);
      return this.record(ctx, async () => answerEc2(ctx, body));
    }
    if (this.query.handles(ctx.service)) {
      ctx.operation = this.query.operationOf(body);
      return this.record(ctx, () => this.query.dispatch(ctx, body));
    }
    const reply: RawReply = {
      status: 400,
      headers: { 'content-type': 'text/plain' },
      body: `sandbox: no service for signing name "${ctx.service}" and target "${target ?? ''}"`,
    };
    this.requests.push({
      service: ctx.service,
      operation: target ?? 'Unknown',
      region: ctx.region,
      status: 400,
    });
    return reply;
  }

  /** Applies latency and injected faults, answers, and logs the call. */
  private async record(
    ctx: CallerContext,
    answer: () => Promise<RawReply>,
    json?: JsonService,
    name?: string,
  ): Promise<RawReply> {
    const startedAt = performance.now();
    const decision = this.faults.decide(ctx.service, ctx.operation, ctx.region);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    let reply: RawReply;
    const verdict = this.beforeAnswer
      ? await this.beforeAnswer({ service: ctx.service, operation: ctx.operation, region: ctx.region })
      : 'answer';
    if (verdict === 'drop') {
      const error = new AwsError(
        'ServiceUnavailable',
        'The caller was stopped before this call (a test)',
        503,
      );
      reply = json ? jsonError(ctx, json, error) : queryError(ctx, error);
    } else if (decision.fault) {
      const error =
        decision.fault === 'throttle'
          ? json
            ? new AwsError('ThrottlingException', 'Rate exceeded', 400, { queryCode: 'Throttling' })
            : new AwsError('Throttling', 'Rate exceeded', 400)
          : new AwsError('ServiceUnavailable', 'Service is unavailable (injected)', 503);
      reply = json ? jsonError(ctx, json, error) : queryError(ctx, error);
    } else {
      if (decision.unprocessed !== undefined) ctx.unprocessedShare = decision.unprocessed;
      reply = await answer();
    }
    this.requests.push({
      service: ctx.service,
      operation: ctx.operation,
      region: ctx.region,
      status: reply.status,
      ...(decision.fault ? { fault: decision.fault } : {}),
      ...(ctx.caller ? { caller: ctx.caller } : {}),
    });
    if (this.usageFile && ctx.caller) {
      // Every answered call counts, refused ones too: an action needs the permission to be refused by AWS's
      // rules rather than by IAM. The IAM check (test/iam-check.ts) compares these lines with iam/*.json.
      const call = `${iamPrefixes[ctx.service] ?? ctx.service}:${ctx.operation}`;
      const line = { action: ctx.caller, call, region: ctx.region, resources: ctx.resources };
      appendFileSync(this.usageFile, `${JSON.stringify(line)}\n`);
    }
    this.timeline.push({
      service: ctx.service,
      operation: ctx.operation,
      region: ctx.region,
      ...(name !== undefined ? { name } : {}),
      startedAt,
      endedAt: performance.now(),
    });
    return reply;
  }
}

/** A request's context with what the usage log keeps about its caller. */
type CallerContext = RequestContext & { caller?: string; resources: string[] };

/** Signing names that differ from the service's prefix in IAM actions (CloudWatch signs as `monitoring`). */
const iamPrefixes: Record<string, string> = { monitoring: 'cloudwatch' };

/**
 * The action named in the user agent: AwsClients (shared aws/clients.ts) puts the toolkit's
 * `db-migration-toolkit/{version}` token first among its own and the action's name right after it.
 */
function callerAction(userAgent: string | undefined): string | undefined {
  const match = /(?:^| )db-migration-toolkit\/\S+ ([A-Za-z0-9][\w.-]*)/.exec(userAgent ?? '');
  return match?.[1];
}

/** Members that name the resource a call acts on, in the JSON and Query protocols. */
const RESOURCE_MEMBER =
  /^(Name|Names|Names\.member\.\d+|Path|SecretId|TableName|TableArn|StreamArn|ResourceArn|BackupArn|ExportArn|S3Bucket|logGroupName|ReplicationTaskArn|EndpointArn|ReplicationInstanceArn|SourceEndpointArn|TargetEndpointArn|DBClusterIdentifier|DBInstanceIdentifier|GlobalClusterIdentifier|SourceDBClusterIdentifier|DBClusterSnapshotIdentifier|DBClusterParameterGroupName|FinalDBSnapshotIdentifier|AutoScalingGroupName|AutoScalingGroupNames\.member\.\d+|GroupId\.\d+)$/;

/** The names a call's body (or, for S3, its path) gives of the resources it acts on, for the usage log. */
function namedResources(body: Buffer, url: string): string[] {
  const text = body.toString('utf8');
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const names = Object.entries(parsed).flatMap(([key, value]) =>
        !RESOURCE_MEMBER.test(key) ? [] : Array.isArray(value) ? value : [value],
      );
      // BatchWriteItem and BatchGetItem name their tables as the keys of RequestItems.
      if (parsed['RequestItems'] && typeof parsed['RequestItems'] === 'object')
        names.push(...Object.keys(parsed['RequestItems']));
      return names.filter((name): name is string => typeof name === 'string');
    } catch {
      return [];
    }
  }
  if (text.includes('Action=')) {
    return [...new URLSearchParams(text)]
      .filter(([key]) => RESOURCE_MEMBER.test(key))
      .map(([, value]) => value);
  }
  const bucket = decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname).split('/')[1];
  return bucket ? [bucket] : [];
}

/** The `Name` of an SSM call's JSON body, when it has one. */
function parameterName(body: Buffer): string | undefined {
  try {
    const name = (JSON.parse(body.toString('utf8')) as { Name?: unknown }).Name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
