import { buildConfig, type MigrationConfig } from '@dbmig/shared';
import { createCertificateAuthority, startPostgres } from './postgres/index.js';
import { findScenario, type DatabaseServers } from './scenarios/index.js';
import { Sandbox, type SandboxOptions } from './server.js';

export interface LabOptions extends SandboxOptions {
  /** Scenario loaded at start; default `guide-world`. */
  scenario?: string;
  /** Default `dev`. */
  environment?: string;
}

/**
 * Everything a test, the rehearsal or a benchmark needs to run an action as in production: the AWS
 * sandbox, and real PostgreSQL servers for v1 and v2 that the sandbox's RDS endpoints point at.
 */
export interface Lab {
  sandbox: Sandbox;
  /**
   * Both servers speak TLS (plain text is allowed too) with certificates for `127.0.0.1` and
   * `localhost` issued by one throwaway CA. This file holds that CA's certificate: pass it as
   * NODE_EXTRA_CA_CERTS to a run with `ssl-mode: verify-full`. Removed by `stop()`.
   */
  caFile: string;
  databases: DatabaseServers;
  config: MigrationConfig;
  /** Variables that point an action's dist/ at the sandbox. */
  env(): Record<string, string>;
  /** Replace the AWS state with a scenario's (the database servers are kept and reset by it). */
  load(scenario: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const config = buildConfig({ environment: options.environment ?? 'dev' });
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    // Stop in reverse order, and stop everything even if one stop fails.
    const results = await Promise.allSettled(started.reverse().map((s) => s.stop()));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  };
  try {
    // As in AWS, where every RDS endpoint speaks TLS, so that the action's default ssl-mode (require)
    // and verify-full are exercised, not only `disable`. One CA for both, so that one file trusts both.
    const ca = await createCertificateAuthority();
    // Started side by side; each is registered as soon as it is up, so a failure of one still stops the other.
    const start = async (name: string) => {
      const server = await startPostgres({
        name,
        user: config.database.user,
        database: config.database.name,
        tls: { ca },
      });
      started.push(server);
      return server;
    };
    const [v1, v2] = await Promise.all([start('v1'), start('v2')]);
    const sandbox = await Sandbox.start(options);
    started.push(sandbox);
    const databases = { v1, v2 };
    const load = async (name: string) => {
      const scenario = findScenario(name);
      sandbox.world.clear();
      await scenario.apply({ sandbox, config, databases });
    };
    await load(options.scenario ?? 'guide-world');
    return {
      sandbox,
      // Each server keeps a copy of the CA's certificate in its directory; v2's is the one the actions verify.
      caFile: v2.tls!.caFile,
      databases,
      config,
      env: () => sandbox.env(config.regions.primary),
      load,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
