export { rollBack, type RollbackContext, type RollbackOptions, type RollbackResult } from './rollback.js';
export { measureWritesAtRisk, type WritesAtRisk, type TableAtRisk } from './writes-at-risk.js';
export type { TrafficProof } from './traffic.js';
