import type { SslMode } from './ssl-mode.js';

/** Where a connection went, for messages; deliberately without the password. */
export interface ConnectAttempt {
  host: string;
  port: number;
  database: string;
  user: string;
  sslMode: SslMode;
}

// OpenSSL's verdicts (as Node reports them) for a chain that does not end at a CA the client trusts.
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);
const OUT_OF_DATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const REQUIRE_INSTEAD = 'or use ssl-mode require to encrypt without verifying the certificate';

/** pg and Node error codes → what an operator should look at. Never includes the password. */
export function explainConnectError(error: unknown, target: ConnectAttempt): string {
  const endpoint = `${target.host}:${target.port}`;
  const where = `${endpoint}/${target.database} as ${target.user}`;
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  if (code && UNTRUSTED.has(code)) {
    return (
      `the certificate of ${endpoint} is not trusted (${code}): ssl-mode ${target.sslMode} accepts only a ` +
      `certificate from a CA this runner trusts. Download the database's CA bundle in an earlier step (for ` +
      `RDS and Aurora the RDS CA bundle, https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem) ` +
      `and name it in this step's env as NODE_EXTRA_CA_CERTS=<path to the bundle>; ${REQUIRE_INSTEAD}`
    );
  }
  if (code && OUT_OF_DATE.has(code)) {
    return (
      `the certificate of ${endpoint} is not valid at this time (${code}): check the runner's clock and ` +
      `the certificate authority of the cluster's instances; ${REQUIRE_INSTEAD}`
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const reason = (error as { reason?: string }).reason ?? message;
    return (
      `the certificate of ${endpoint} does not name "${target.host}" (${reason}): ssl-mode ` +
      `${target.sslMode} accepts only a host name the certificate lists, so connect through one of ` +
      `those (the cluster endpoint as RDS reports it, not an IP address or a CNAME of your own); ${REQUIRE_INSTEAD}`
    );
  }
  switch (code) {
    case '28P01':
      return `authentication failed at ${where}: the password in the secret is not the database's`;
    case '28000':
      // pg_hba.conf refusing a plain-text connection says "no encryption" (RDS: rds.force_ssl = 1).
      if (/no encryption/i.test(message)) {
        return `${where} refuses unencrypted connections (ssl-mode ${target.sslMode}): use ssl-mode require or verify-full`;
      }
      // Not a wrong password (that is 28P01): the server's access rules refuse this user or host.
      return `the server at ${endpoint} refused the login of ${target.user} to ${target.database}: ${message}`;
    case '3D000':
      return `database "${target.database}" does not exist at ${endpoint}`;
    case 'ECONNREFUSED':
      return `connection refused at ${endpoint}: the endpoint does not accept connections`;
    case 'ETIMEDOUT':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
      return `cannot reach ${endpoint} (${code}): check the cluster's security group allows this runner (see the guide's troubleshooting)`;
  }
  if (/does not support SSL/i.test(message)) {
    return `${endpoint} does not accept TLS connections (ssl-mode ${target.sslMode})`;
  }
  if (/timeout/i.test(message)) {
    return `connection to ${where} timed out: check the cluster's security group allows this runner`;
  }
  return `cannot connect to ${where}: ${message}`;
}
