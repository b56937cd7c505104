import { explainConnectError, type ConnectAttempt } from './connect-errors.js';
import { tlsOptions } from './ssl-mode.js';

const target: ConnectAttempt = {
  host: 'primary-db-cluster-v2-dev.cluster-abc.us-east-1.rds.amazonaws.com',
  port: 5432,
  database: 'paymentsdb',
  user: 'dbadmin',
  sslMode: 'verify-full',
};

/** An error as Node or pg raises it: a message and a code (and, for a name mismatch, a reason). */
function failure(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('explainConnectError', () => {
  it.each([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  ])('says a certificate is not trusted (%s), and how to trust it or what to use instead', (code) => {
    const text = explainConnectError(failure(code, 'unable to verify the first certificate'), target);
    expect(text).toContain(`the certificate of ${target.host}:5432 is not trusted (${code})`);
    expect(text).toContain('NODE_EXTRA_CA_CERTS=');
    expect(text).toContain('RDS CA bundle');
    expect(text).toContain('ssl-mode require');
    // Node's own hint (--use-system-ca) would send an operator the wrong way: not repeated.
    expect(text).not.toContain('use-system-ca');
  });

  it('says which names the certificate holds when the host is not among them', () => {
    const error = failure(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",
      { reason: "Host: db.internal. is not in the cert's altnames: DNS:localhost", host: 'db.internal' },
    );
    const text = explainConnectError(error, { ...target, host: 'db.internal' });
    expect(text).toContain(
      `the certificate of db.internal:5432 does not name "db.internal" (Host: db.internal. is not in the cert's altnames: DNS:localhost)`,
    );
    expect(text).toContain('connect through one of those');
    expect(text).toContain('ssl-mode require');
  });

  it('says an expired certificate is out of date', () => {
    const text = explainConnectError(failure('CERT_HAS_EXPIRED', 'certificate has expired'), target);
    expect(text).toMatch(/is not valid at this time \(CERT_HAS_EXPIRED\).*clock/);
  });

  it('tells a refused plain-text connection from a wrong password', () => {
    const refused = failure(
      '28000',
      'pg_hba.conf rejects connection for host "10.0.0.5", user "dbadmin", database "paymentsdb", no encryption',
    );
    expect(explainConnectError(refused, { ...target, sslMode: 'disable' })).toBe(
      `${target.host}:5432/paymentsdb as dbadmin refuses unencrypted connections (ssl-mode disable): use ssl-mode require or verify-full`,
    );
    expect(explainConnectError(failure('28P01', 'password authentication failed'), target)).toBe(
      `authentication failed at ${target.host}:5432/paymentsdb as dbadmin: the password in the secret is not the database's`,
    );
    const noEntry = failure(
      '28000',
      'no pg_hba.conf entry for host "10.0.0.5", user "dbadmin", database "paymentsdb"',
    );
    expect(explainConnectError(noEntry, target)).toBe(
      `the server at ${target.host}:5432 refused the login of dbadmin to paymentsdb: no pg_hba.conf entry for host "10.0.0.5", user "dbadmin", database "paymentsdb"`,
    );
  });

  it('keeps the messages of errors that are not about TLS', () => {
    expect(explainConnectError(failure('ECONNREFUSED', 'connect ECONNREFUSED'), target)).toBe(
      `connection refused at ${target.host}:5432: the endpoint does not accept connections`,
    );
    expect(explainConnectError(new Error('The server does not support SSL connections'), target)).toBe(
      `${target.host}:5432 does not accept TLS connections (ssl-mode verify-full)`,
    );
    expect(explainConnectError(failure('XX000', 'something odd'), target)).toBe(
      `cannot connect to ${target.host}:5432/paymentsdb as dbadmin: something odd`,
    );
  });
});

describe('tlsOptions', () => {
  it('maps each ssl-mode to what pg hands to Node', () => {
    expect(tlsOptions('disable')).toBe(false);
    expect(tlsOptions('require')).toEqual({ rejectUnauthorized: false });
    // No servername: pg sets it for DNS names, and an IP address there would make Node warn.
    expect(tlsOptions('verify-full')).toEqual({ rejectUnauthorized: true });
  });
});
