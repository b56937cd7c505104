export { verifyHealth } from './health.js';
export { verifyParity, type ParityContext, type ParityOutput, type ParityVerifyOptions } from './parity.js';
export type { HealthContext, HealthOptions } from './types.js';
export { verificationEvents } from './ledger-events.js';
export { verifyReplication, replicationEvent, type ReplicationOutput } from './replication.js';
export { verifyTableReplication, type TableReplicationOutput } from './table-replication.js';
