import type { ConnectionOptions } from 'node:tls';

/**
 * TLS for a PostgreSQL connection, named as libpq names them. `verify-full` checks the certificate
 * chain (Node's CAs plus NODE_EXTRA_CA_CERTS, where the RDS CA bundle goes) and the host name.
 */
export const SSL_MODES = ['verify-full', 'require', 'disable'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export function tlsOptions(mode: SslMode, host: string): false | ConnectionOptions {
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      // Encrypted, but the certificate is not checked: what psql's sslmode=require does.
      return { rejectUnauthorized: false };
    case 'verify-full':
      return { rejectUnauthorized: true, servername: host };
  }
}
