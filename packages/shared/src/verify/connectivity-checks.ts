import type { DBCluster } from '@aws-sdk/client-rds';
import { DatabaseProbeError, probeDatabase } from '../data/postgres-probe.js';
import { describeAwsError, isAwsError } from '../errors/index.js';
import type { Check } from '../report/index.js';
import { readDatabaseSecret } from '../resources/secret.js';
import { diagnoseNetworkPath, isConnectTimeout, runnerAddressTowards } from './network-diagnosis.js';
import type { HealthContext } from './types.js';

/**
 * Step 1.3 of the guide: read the v2 password from Secrets Manager (masked at once, never printed),
 * connect to the v2 writer endpoint with it, run `SELECT version()`, and count the tables in `public`.
 */
export async function checkConnectivity(
  ctx: HealthContext,
  primary: DBCluster | undefined,
): Promise<Check[]> {
  const { config, clients, options } = ctx;
  const secretCheck: Check = {
    id: 'secret',
    title: 'v2 secret readable',
    region: config.regions.primary,
    resource: config.v2.secret,
    status: 'fail',
    detail: '',
  };
  const connectCheck: Check = {
    id: 'database-connection',
    title: 'v2 writer accepts a connection',
    region: config.regions.primary,
    resource: primary?.Endpoint ? `${primary.Endpoint}:${primary.Port}` : config.v2.primaryCluster,
    status: 'skip',
    detail: '',
  };
  const emptyCheck: Check = {
    id: 'database-empty',
    title: options.expectEmpty ? 'v2 database empty' : 'v2 database tables',
    region: config.regions.primary,
    resource: `${config.database.name}.public`,
    status: 'skip',
    detail: 'no connection',
  };

  let secret;
  try {
    secret = await readDatabaseSecret(clients.secretsManager(config.regions.primary), config.v2.secret);
  } catch (error) {
    // E.g. access denied, or the secret scheduled for deletion: the check fails and says why.
    secretCheck.detail = isAwsError(error) ? describeAwsError(error) : (error as Error).message;
  }
  if (secret) {
    ctx.mask(secret.raw);
    ctx.mask(secret.credentials.password);
    secretCheck.status = 'pass';
    secretCheck.detail = secret.credentials.username
      ? `JSON document with username ${secret.credentials.username} and a password`
      : 'plain password';
  } else if (!secretCheck.detail) {
    secretCheck.detail = 'secret not found';
  }

  if (!primary?.Endpoint || !primary.Port) {
    connectCheck.detail = 'no v2 primary cluster endpoint';
  } else if (!secret) {
    connectCheck.detail = 'no password: the v2 secret could not be read';
  } else {
    try {
      const result = await probeDatabase({
        host: primary.Endpoint,
        port: primary.Port,
        database: config.database.name,
        user: secret.credentials.username ?? config.database.user,
        password: secret.credentials.password,
        sslMode: options.sslMode,
      });
      connectCheck.status = 'pass';
      const version = result.version.split(' on ')[0] ?? result.version;
      connectCheck.detail = `${version}, ${result.tls ? `encrypted (${result.tls})` : 'unencrypted'}`;
      emptyCheck.status = options.expectEmpty && result.publicTables > 0 ? 'fail' : 'pass';
      emptyCheck.detail =
        result.publicTables === 0
          ? 'no tables in public'
          : `${result.publicTables} table(s) in public${options.expectEmpty ? ': v2 was expected to be empty before Phase 2' : ''}`;
    } catch (error) {
      connectCheck.status = 'fail';
      connectCheck.detail = error instanceof DatabaseProbeError ? error.message : String(error);
      // A timeout (not a refusal): the security groups say whether the path is open; the check fails either way.
      if (error instanceof DatabaseProbeError && isConnectTimeout(error.cause)) {
        const diagnosis = await diagnoseTimeout(ctx, primary, primary.Endpoint, primary.Port);
        connectCheck.detail = `${connectCheck.detail.replace(/\.$/, '')}. ${diagnosis.text}`;
      }
    }
  }
  return [secretCheck, connectCheck, emptyCheck];
}

/** The cluster's security groups, judged against this runner's address and the application's group. */
async function diagnoseTimeout(ctx: HealthContext, primary: DBCluster, host: string, port: number) {
  const region = ctx.config.regions.primary;
  let runner: { runnerAddress: string } | { runnerUnknown: string };
  try {
    runner = { runnerAddress: await runnerAddressTowards(host, port) };
  } catch (error) {
    runner = { runnerUnknown: (error as Error).message };
  }
  return diagnoseNetworkPath({
    ec2: ctx.clients.ec2(region),
    region,
    cluster: primary,
    ...runner,
    ...(ctx.options.appSecurityGroup !== undefined ? { appSecurityGroup: ctx.options.appSecurityGroup } : {}),
  });
}
