/**
 * Test support for the sandbox's own tests: never imported by the sandbox itself, the rehearsal or an
 * action. The SDK clients here reach the sandbox the way an action's do (its URL, a region, the dummy
 * credentials); only the retry settings differ, so that a test decides how often a call is attempted.
 */
import { connect } from 'node:net';
import { SANDBOX_CREDENTIALS } from './credentials.js';
import type { Sandbox } from './server.js';

/** An SDK v3 client class: RDSClient, DynamoDBClient, SSMClient, … */
type ClientClass = new (...args: never[]) => unknown;
/** The configuration its constructor takes (region, endpoint, retry settings, …). */
type ConfigOf<K extends ClientClass> = NonNullable<ConstructorParameters<K>[0]>;

/**
 * An SDK v3 client pointed at the sandbox for `region`, with the sandbox's credentials. One attempt by
 * default: a test that wants retries says how many (or gives a retry strategy), so that an unexpected
 * retry never hides a fault. `options` are the client's own configuration, checked against its type.
 */
export function sandboxClient<K extends ClientClass>(
  Client: K,
  sandbox: Sandbox,
  region: string,
  options: ConfigOf<K> = {} as ConfigOf<K>,
): InstanceType<K> {
  const config = {
    region,
    endpoint: sandbox.url,
    credentials: { ...SANDBOX_CREDENTIALS },
    maxAttempts: 1,
    ...(options as object),
  } as ConfigOf<K>;
  // Every SDK client takes one optional configuration object; ClientClass cannot say so generically.
  const Construct = Client as unknown as new (config: ConfigOf<K>) => InstanceType<K>;
  return new Construct(config);
}

/** An SDK error as tests inspect it: its name, the Query code of query-compatible services, and `$metadata`. */
export type ServiceError = Error & {
  Code?: string;
  $metadata: { httpStatusCode?: number; attempts?: number; requestId?: string };
};

/** The error a call fails with; fails the test when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** A call fails with the client error `name` (HTTP 400) and, when given, a message matching `message`. */
export async function expectError(call: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  const error = await failure(call);
  expect(error.name).toBe(name);
  expect(error.$metadata.httpStatusCode).toBe(400);
  if (message) expect(error.message).toMatch(message);
}

/**
 * An `Authorization` header as the SDK signs it, for requests sent by hand (`fetch`): the sandbox reads
 * the region and signing name from its credential scope and never checks the signature.
 */
export function authorization(region: string, service: string, date = '20260115'): string {
  return (
    `AWS4-HMAC-SHA256 Credential=${SANDBOX_CREDENTIALS.accessKeyId}/${date}/${region}/${service}/aws4_request, ` +
    'SignedHeaders=host, Signature=0'
  );
}

/** Whether 127.0.0.1:`port` accepts a TCP connection: how a test proves that a server stopped listening. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
