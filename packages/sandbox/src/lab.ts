import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, type MigrationConfig } from '@dbmig/shared';
import {
  attachPostgres,
  createCertificateAuthority,
  parseDatabaseUrl,
  startPostgres,
  type CertificateAuthority,
  type DatabaseUrl,
  type PostgresMajor,
  type PostgresServer,
} from './postgres/index.js';
import { GitHubApi } from './github/index.js';
import { findScenario, type DatabaseServers } from './scenarios/index.js';
import { resetClock } from './clock.js';
import { Sandbox, type SandboxOptions } from './server.js';

type Side = 'v1' | 'v2';
const SIDES: readonly Side[] = ['v1', 'v2'];

export interface LabOptions extends SandboxOptions {
  /** Scenario loaded at start; default `guide-world`. */
  scenario?: string;
  /** Default `dev`. */
  environment?: string;
  /** PostgreSQL major of each server the lab starts (a v1 → v2 move often crosses one). Default 15. */
  majors?: Partial<Record<Side, PostgresMajor>>;
  /**
   * PostgreSQL servers the user already runs, by URL (`postgresql://user:password@host:port/database`),
   * in place of the ones the lab would start: the scenario's clusters then point at them, their secrets
   * hold the URL's password, and nothing is ever seeded into, dropped from or changed in them; `stop()`
   * leaves them running. The CLI's `--v1-database-url` and `--v2-database-url`.
   */
  databaseUrls?: Partial<Record<Side, string>>;
}

/** The flag that gives a side's URL, named in every message about that URL. */
export function databaseUrlFlag(side: Side): string {
  return `--${side}-database-url`;
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
   * NODE_EXTRA_CA_CERTS to a run with `ssl-mode: verify-full`. Removed by `stop()`. A server given by
   * URL has a certificate of its own, which this CA did not issue.
   */
  caFile: string;
  databases: DatabaseServers;
  config: MigrationConfig;
  /**
   * The GitHub REST endpoints the ledger calls (a run's review history), which `env()` points every run
   * at in place of api.github.com. A run is given the token only when a test passes `github.env()`, as a
   * workflow step is given GITHUB_TOKEN only when its `env` says so.
   */
  github: GitHubApi;
  /** Variables that point an action's dist/ at the sandbox (AWS) and at `github` (GITHUB_API_URL). */
  env(): Record<string, string>;
  /** Replace the AWS state with a scenario's (the database servers are kept and reset by it). */
  load(scenario: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const config = buildConfig({ environment: options.environment ?? 'dev' });
  // Checked before anything starts, so that a bad URL costs nothing to find out.
  const urls: Partial<Record<Side, DatabaseUrl>> = {};
  for (const side of SIDES) {
    const given = options.databaseUrls?.[side];
    if (given !== undefined) urls[side] = parseDatabaseUrl(given, databaseUrlFlag(side));
  }
  if (urls.v1 && urls.v2 && sameDatabase(urls.v1, urls.v2)) {
    // A copy into its own source would refuse at best; the rehearsal needs two databases.
    throw new Error(
      `${databaseUrlFlag('v1')} and ${databaseUrlFlag('v2')} name the same database ` +
        `(${urls.v2.host}:${urls.v2.port}/${urls.v2.database}): give v2 a database of its own, e.g. an empty one`,
    );
  }
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
    // A server given by URL is only connected to, and never stopped.
    const start = async (side: Side): Promise<PostgresServer> => {
      const url = urls[side];
      if (url) return attachPostgres({ name: side, url, flag: databaseUrlFlag(side) });
      const server = await startPostgres({
        name: side,
        major: options.majors?.[side],
        user: config.database.user,
        database: config.database.name,
        tls: { ca },
        // As an Aurora cluster whose parameter group sets rds.logical_replication = 1: migrate-data's
        // `replication: logical` streams v1's writes to v2. The parameter group a scenario gives v1 says
        // whether the toolkit may use it.
        settings: { wal_level: 'logical' },
      });
      started.push(server);
      return server;
    };
    // Settled, not Promise.all: a failure of one must wait for the other to be registered, or stopAll
    // below would run before it and leave it running (an attach that fails at once, a start that takes a second).
    const [v1, v2] = await bothOrThrow(start('v1'), start('v2'));
    const caFile = v2.tls?.caFile ?? v1.tls?.caFile ?? (await writeCaFile(ca, started));
    const sandbox = await Sandbox.start(options);
    started.push(sandbox);
    // DMS's engine finds them by host:port (its subscriptions need a superuser on PostgreSQL 15); a
    // server given by URL offers no admin access, which the engine says when it would need it.
    sandbox.databaseServers.register(v1);
    sandbox.databaseServers.register(v2);
    const github = await GitHubApi.start();
    started.push(github);
    const databases = { v1, v2 };
    const load = async (name: string) => {
      const scenario = findScenario(name);
      // The application's connections go before the world (and the databases) they point at.
      await sandbox.fleet.reset();
      // DMS's runs stop before the scenario removes their slots and subscriptions.
      await sandbox.dms.reset();
      // A scenario starts at today's time, whatever time an earlier test let pass.
      resetClock(sandbox);
      sandbox.world.clear();
      await scenario.apply({ sandbox, config, databases });
    };
    await load(options.scenario ?? 'guide-world');
    return {
      sandbox,
      // Each server keeps a copy of the CA's certificate in its directory; v2's is the one the actions verify.
      caFile,
      databases,
      config,
      github,
      env: () => ({ ...sandbox.env(config.regions.primary), GITHUB_API_URL: github.url }),
      load,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** The CA's certificate in a file of its own, when no server the lab started holds a copy; removed by stop(). */
async function writeCaFile(ca: CertificateAuthority, started: { stop(): Promise<void> }[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbmig-lab-ca-'));
  started.push({ stop: () => rm(dir, { recursive: true, force: true }) });
  const file = path.join(dir, 'ca.pem');
  await writeFile(file, ca.certPem);
  return file;
}

async function bothOrThrow<T>(a: Promise<T>, b: Promise<T>): Promise<[T, T]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

function sameDatabase(a: DatabaseUrl, b: DatabaseUrl): boolean {
  const host = (url: DatabaseUrl) => (url.host === 'localhost' ? '127.0.0.1' : url.host.toLowerCase());
  return host(a) === host(b) && a.port === b.port && a.database === b.database;
}
