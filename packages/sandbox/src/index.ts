export { Sandbox, type SandboxOptions, type RequestRecord } from './server.js';
export { AwsError } from './errors.js';
export type { FaultRule } from './faults.js';
export { World } from './world/world.js';
export type * from './world/types.js';
export { startLab, type Lab, type LabOptions } from './lab.js';
export { scenarios, findScenario, HEALTHY_LAG_MS, type Scenario } from './scenarios/index.js';
export {
  runAction,
  resolveNode,
  ActionTimeoutError,
  type ActionRun,
  type RunActionOptions,
  type Annotation,
  type AnnotationLevel,
} from './harness/index.js';
export {
  startPostgres,
  createCertificateAuthority,
  freePort,
  isPortOpen,
  type CertificateAuthority,
  type PostgresServer,
  type PostgresTls,
  type StartPostgresOptions,
  type TlsStartOptions,
} from './postgres/index.js';
