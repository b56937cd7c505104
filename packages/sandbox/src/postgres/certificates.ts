import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
// `selfsigned` rather than @peculiar/x509 directly: it wraps @peculiar/x509 (1.x, which brings its own
// reflect-metadata polyfill; 2.x needs the caller to install one globally) behind one call that can sign
// with a given CA, and, like everything here, it is pure JavaScript on Node's WebCrypto: no openssl CLI.
import { generate } from 'selfsigned';

/** A throwaway certificate authority: it issues the servers' certificates, and a client trusts it. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What a certificate for a server on 127.0.0.1 names unless told otherwise (DNS and IP SANs). */
export const DEFAULT_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1'];

// EC P-256 keys: generated in milliseconds (an RSA key takes tens to hundreds), and PostgreSQL 15 and
// Node accept them. The certificates live as long as a test run or a sandbox session, with margin.
const KEY = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;
const VALID_DAYS = 30;

function validity(): { notBeforeDate: Date; notAfterDate: Date } {
  const now = Date.now();
  return {
    notBeforeDate: new Date(now - 60 * 60 * 1000), // an hour back: tolerant of clock drift
    notAfterDate: new Date(now + VALID_DAYS * 24 * 60 * 60 * 1000),
  };
}

/**
 * A new CA with a unique name. Unique, because a client that trusts one sandbox CA and meets a server
 * of another must be told "not trusted", not fail a signature check against a namesake.
 */
export async function createCertificateAuthority(): Promise<CertificateAuthority> {
  const name = `dbmig sandbox CA ${randomBytes(6).toString('hex')}`;
  const pems = await generate([{ name: 'commonName', value: name }], {
    ...KEY,
    ...validity(),
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

/**
 * A server certificate issued by `ca` for `hostnames`: each is a DNS name or an IP address, written
 * into the subject alternative names as such (a client checks an IP against IP SANs only).
 */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  hostnames: readonly string[] = DEFAULT_HOSTNAMES,
): Promise<ServerCertificate> {
  if (hostnames.length === 0) throw new Error('issueServerCertificate: give at least one host name');
  const pems = await generate([{ name: 'commonName', value: hostnames[0]! }], {
    ...KEY,
    ...validity(),
    ca: { cert: ca.certPem, key: ca.keyPem },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hostnames.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })),
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}
