export { SSL_MODES, tlsOptions, type SslMode } from './ssl-mode.js';
export {
  probeDatabase,
  DatabaseProbeError,
  type DatabaseTarget,
  type ProbeResult,
} from './postgres-probe.js';
export * from './postgres/index.js';
