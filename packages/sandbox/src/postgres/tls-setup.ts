import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { createCertificateAuthority, DEFAULT_HOSTNAMES, issueServerCertificate } from './certificates.js';
import type { PostgresTls, TlsStartOptions } from './server.js';
import { writeTlsFiles, type TlsFiles } from './tls-files.js';

/** A server's certificates, written where the server reads them. */
export interface PreparedTls extends PostgresTls {
  files: TlsFiles;
}

/** Issues the server's certificate (from the given CA, or a new one) and writes the files. */
export async function prepareTls(root: string, options: TlsStartOptions): Promise<PreparedTls> {
  const hostnames = [...(options.hostnames ?? DEFAULT_HOSTNAMES)];
  const ca = options.ca ?? (await createCertificateAuthority());
  const certificate = await issueServerCertificate(ca, hostnames);
  const files = await writeTlsFiles(path.join(root, 'tls'), ca, certificate);
  return { caPem: ca.certPem, caFile: files.caFile, hostnames, files };
}

/** The server settings that turn TLS on with those files. */
export function tlsSettings(files: TlsFiles): Record<string, string> {
  return { ssl: 'on', ssl_cert_file: files.certFile, ssl_key_file: files.keyFile };
}

/**
 * TLS for the helpers' own sessions: the chain is checked against the server's CA (so a broken
 * certificate fails every helper at once), the names are not (a server may be started with names
 * that do not include 127.0.0.1, to test a host-name mismatch).
 */
export function helperTls(caPem: string): ConnectionOptions {
  return { ca: caPem, checkServerIdentity: () => undefined };
}
