import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The server's pg_hba.conf, in place of initdb's. Password (SCRAM) logins over TCP from 127.0.0.1,
 * where the server listens; `host` lines match encrypted and plain-text connections alike, so that
 * ssl-mode `disable` still connects to a server with TLS on. With `tlsRequired`, a `hostnossl … reject`
 * line first refuses every plain-text connection, as RDS does with `rds.force_ssl = 1`.
 */
export function hbaConf(tlsRequired: boolean): string {
  return [
    '# Written by the sandbox (packages/sandbox/src/postgres/hba.ts).',
    '# TYPE    DATABASE     USER  ADDRESS       METHOD',
    ...(tlsRequired ? ['hostnossl all          all   127.0.0.1/32  reject'] : []),
    'host      all          all   127.0.0.1/32  scram-sha-256',
    'host      replication  all   127.0.0.1/32  scram-sha-256',
    '',
  ].join('\n');
}

/** Rewrites the file in place: it keeps the owner and mode initdb gave it (the server's user, 0600). */
export async function writeHba(dataDir: string, tlsRequired: boolean): Promise<void> {
  await writeFile(path.join(dataDir, 'pg_hba.conf'), hbaConf(tlsRequired));
}
