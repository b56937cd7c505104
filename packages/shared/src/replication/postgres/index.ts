export { replicationNames, REPLICATION_PREFIX, type ReplicationNames } from './names.js';
export {
  checkReplicationPreconditions,
  setReplicaIdentityFull,
  type PreconditionProblem,
  type PreconditionReport,
  type ReplicatedTable,
} from './preconditions.js';
export { slotSnapshot, type CreatedSlot } from './slot.js';
export {
  createPublication,
  createSubscription,
  probePublisher,
  publisherConnection,
} from './subscription.js';
export {
  confirmCurrentPosition,
  readReplicationLag,
  waitForCatchUp,
  type ReplicationLag,
  type StreamNames,
} from './lag.js';
export { advanceSequences, type AdvancedSequence } from './sequences.js';
export {
  dropSlot,
  dropSubscription,
  dropSlotAndPublication,
  findLeftovers,
  type Leftovers,
} from './teardown.js';
export { checkSchemaDrift, type SchemaDrift } from './drift.js';
export { publicationSet, type CarriedTable, type ReplicatedSet } from './replicated-set.js';
export {
  directWriteGrants,
  endSessions,
  pauseWrites,
  remainingWriters,
  resumeWrites,
  WRITE_PRIVILEGES,
  type PausedWrites,
  type RevokedPrivilege,
  type WritePrivilege,
} from './pause.js';
export { applicationSessions, describeSessions, type ApplicationSession } from './sessions.js';
export { applyErrorCount, overtakenSequences, type OvertakenSequence } from './conflicts.js';
export { replicationCut } from './cut.js';
