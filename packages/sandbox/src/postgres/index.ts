export {
  startPostgres,
  type PostgresServer,
  type PostgresTls,
  type StartPostgresOptions,
  type TlsStartOptions,
} from './server.js';
export {
  createCertificateAuthority,
  issueServerCertificate,
  DEFAULT_HOSTNAMES,
  type CertificateAuthority,
  type ServerCertificate,
} from './certificates.js';
export { freePort, isPortOpen } from './free-port.js';
