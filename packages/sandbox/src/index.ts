export {
  Sandbox,
  type CallInFlight,
  type SandboxOptions,
  type RequestRecord,
  type TimedRequest,
} from './server.js';
export { AwsError } from './errors.js';
export type { FaultRule } from './faults.js';
export { World, addBucket } from './world/world.js';
export {
  rollOverStreamShards,
  STREAM_RETENTION_MS,
  ITERATOR_LIFETIME_MS,
} from './services/dynamodb-streams/index.js';
export {
  addReplicationInstance,
  breakValidation,
  failReplicationTask,
  DatabaseServerRegistry,
  DMS_NAMESPACE,
  DMS_SECRETS_ACCESS_ROLE_ARN,
  type DmsEngine,
  type ReplicationInstanceOptions,
} from './services/dms/index.js';
export {
  addAutoScalingGroup,
  CONNECTIONS_PER_INSTANCE,
  type Fleet,
  type FleetInstance,
  type GroupOptions,
  checkAcknowledgedWrites,
  MAX_WRITES_PER_SECOND,
  WRITTEN_TABLES,
  type AcknowledgedWrite,
  type AcknowledgedWritesCheck,
  type WriteLoadOptions,
  type WriteLoadStats,
  type WriteOp,
  type WrittenTable,
  checkAcknowledgedSessionWrites,
  sameSessionItem,
  SESSION_KEY,
  type AcknowledgedSessionWrite,
  type AcknowledgedSessionWritesCheck,
  type SessionAttributes,
  type SessionLoadStats,
  type SessionOp,
} from './fleet/index.js';
export type * from './world/types.js';
// The sandbox's one AWS account, in the ARNs it answers with (and the roles a rehearsal assumes).
export { ACCOUNT_ID } from './world/types.js';
export { startLab, databaseUrlFlag, type Lab, type LabOptions } from './lab.js';
export {
  scenarios,
  findScenario,
  HEALTHY_LAG_MS,
  createPaymentsWorld,
  seedPayments,
  applyPaymentsSchema,
  paymentTableSizes,
  seedSessions,
  sessionItem,
  DEFAULT_PAYMENT_ROWS,
  DEFAULT_SESSION_ITEMS,
  LARGE_PAYMENT_ROWS,
  LARGE_SESSION_ITEMS,
  PAYMENT_TABLES,
  type Scenario,
  type PaymentsWorldOptions,
  type PaymentTable,
  type SeedPaymentsOptions,
  type SeedSessionsOptions,
  type SessionItem,
} from './scenarios/index.js';
export {
  runAction,
  errorsOf,
  everythingPrinted,
  resolveNode,
  ActionTimeoutError,
  HARNESS_REPOSITORY,
  type ActionRun,
  type RunActionOptions,
  type Annotation,
  type AnnotationLevel,
} from './harness/index.js';
export {
  startPostgres,
  attachPostgres,
  endpointOf,
  parseDatabaseUrl,
  redactUrl,
  createCertificateAuthority,
  freePort,
  isPortOpen,
  POSTGRES_MAJORS,
  type PostgresMajor,
  type DatabaseUrl,
  type AttachPostgresOptions,
  type CertificateAuthority,
  type PostgresServer,
  type PostgresTls,
  type StartPostgresOptions,
  type TlsStartOptions,
} from './postgres/index.js';
// For tests of code that calls AWS: SDK clients pointed at a running sandbox, one attempt per call by default.
export { sandboxClient } from './test-support.js';
// A minimal GitHub REST API (the run approvals endpoint) for tests of what the toolkit asks GitHub.
export {
  GitHubApi,
  type ApprovalInput,
  type GitHubApiOptions,
  type GitHubRequestRecord,
} from './github/index.js';
export { passTime, resetClock, days } from './clock.js';
// The workflow runner (the rehearsal's) is `@dbmig/sandbox/workflows`: GitHub's workflow parser, which it
// loads, is left out of everything else that imports the sandbox.
