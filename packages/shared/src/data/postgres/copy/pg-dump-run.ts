import { spawn } from 'node:child_process';
import { describeEndpoint, type PostgresEndpoint } from '../connection.js';
import { withPassfile } from './passfile.js';
import { PostgresCopyError } from './refusal.js';
import type { PgDumpBinary } from './types.js';

export type DumpSection = 'pre-data' | 'post-data';

export interface PgDumpRun {
  binary: PgDumpBinary;
  source: PostgresEndpoint;
  section: DumpSection;
  /** The exported snapshot every worker reads, so that the schema and the rows are of the same instant. */
  snapshotId: string;
  sslRootCert?: string;
}

/** Keeps the end of a child's stderr: enough for its error, bounded if it is chatty. */
const STDERR_LIMIT = 16 * 1024;

/**
 * The child's whole environment, built here rather than inherited: the connection in libpq's PG* variables,
 * the password only in the password file, and nothing else of this process (whose environment may hold
 * inputs or tokens). PGPASSWORD is deliberately absent.
 */
function pgDumpEnvironment(run: PgDumpRun, passfile: string): NodeJS.ProcessEnv {
  const { source } = run;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    LC_ALL: 'C',
    PGHOST: source.host,
    PGPORT: String(source.port),
    PGUSER: source.user,
    PGDATABASE: source.database,
    PGSSLMODE: source.sslMode,
    PGPASSFILE: passfile,
    PGAPPNAME: `db-migration-toolkit pg_dump ${run.section}`,
    PGCONNECT_TIMEOUT: '10',
  };
  const rootCert = run.sslRootCert ?? process.env.NODE_EXTRA_CA_CERTS;
  if (source.sslMode === 'verify-full' && rootCert) env.PGSSLROOTCERT = rootCert;
  return env;
}

/**
 * `pg_dump --schema-only --section=<section> --no-owner --snapshot=<id>` of v1 as plain SQL. Objects are
 * created owned by v2's login role (`--no-owner`): v1's owners may not exist on v2.
 */
export async function runPgDump(run: PgDumpRun): Promise<string> {
  const args = [
    '--schema-only',
    `--section=${run.section}`,
    '--no-owner',
    `--snapshot=${run.snapshotId}`,
    '--format=plain',
  ];
  return withPassfile(run.source, (passfile) => spawnPgDump(run, args, pgDumpEnvironment(run, passfile)));
}

function spawnPgDump(run: PgDumpRun, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const where = describeEndpoint(run.source);
  return new Promise<string>((resolve, reject) => {
    const child = spawn(run.binary.path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_LIMIT);
    });
    child.once('error', (error) =>
      reject(
        new PostgresCopyError(`cannot run ${run.binary.path} for ${where}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
    child.once('close', (code, signal) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
        return;
      }
      const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
      reject(
        new PostgresCopyError(
          `pg_dump --section=${run.section} of ${where} ${how}: ${err.trim() || 'no message'}`,
        ),
      );
    });
  });
}
