export { Fleet, type FleetOptions } from './fleet.js';
export { CONNECTIONS_PER_INSTANCE, type FleetInstance } from './instance.js';
export { addAutoScalingGroup, type GroupOptions } from './groups.js';
export { ACTIVE_REFRESH_STATUSES } from './refresh-status.js';
export type { ParameterNames } from './settings.js';
export { MAX_WRITES_PER_SECOND, type WriteLoadOptions, type WriteLoadStats } from './write-load.js';
export {
  checkAcknowledgedWrites,
  WRITTEN_TABLES,
  type AcknowledgedWrite,
  type AcknowledgedWritesCheck,
  type WriteOp,
  type WrittenTable,
} from './acknowledged-writes.js';
export { type SessionLoadStats } from './session-load.js';
export {
  checkAcknowledgedSessionWrites,
  sameSessionItem,
  SESSION_KEY,
  type AcknowledgedSessionWrite,
  type AcknowledgedSessionWritesCheck,
  type SessionAttributes,
  type SessionOp,
} from './acknowledged-sessions.js';
