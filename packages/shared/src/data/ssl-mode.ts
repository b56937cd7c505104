import type { ConnectionOptions } from 'node:tls';

/**
 * TLS for a PostgreSQL connection, named as libpq names them. `verify-full` checks the certificate
 * chain (Node's CAs plus NODE_EXTRA_CA_CERTS, where the RDS CA bundle goes) and the host name.
 */
export const SSL_MODES = ['verify-full', 'require', 'disable'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export function tlsOptions(mode: SslMode): false | ConnectionOptions {
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      // Encrypted, but the certificate is not checked: what psql's sslmode=require does.
      return { rejectUnauthorized: false };
    case 'verify-full':
      // The host name is checked by Node against the certificate's names. pg passes the host along and
      // sets SNI only for a DNS name: an IP address as `servername` is invalid (RFC 6066) and makes
      // Node warn, while the host alone already has an IP checked against the IP SANs.
      return { rejectUnauthorized: true };
  }
}
