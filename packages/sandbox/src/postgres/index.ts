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
export { POSTGRES_MAJORS, type PostgresMajor } from './embedded.js';
export { parseDatabaseUrl, redactUrl, type DatabaseUrl } from './database-url.js';
export { attachPostgres, type AttachPostgresOptions } from './external.js';
export { endpointOf } from './endpoint.js';
