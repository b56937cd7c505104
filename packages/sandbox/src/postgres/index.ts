export { startPostgres, type PostgresServer, type StartPostgresOptions } from './server.js';
export { freePort, isPortOpen } from './free-port.js';
