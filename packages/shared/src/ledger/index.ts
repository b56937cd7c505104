export { Ledger, type AppendOptions, type LedgerOptions } from './ledger.js';
export { LedgerView } from './view.js';
export { LedgerCorruptError, LedgerRefusal, type LedgerProblem } from './errors.js';
export { describeEvent, describeRun } from './describe.js';
export { approvalsSourceFromEnv, readApprovals, type ApprovalsSource } from './approvals.js';
export { ledgerPath, eventParameterName } from './names.js';
export { MAX_PARTS, MAX_VALUE_BYTES } from './codec.js';
export { requestIdOf } from './request-ids.js';
export type {
  Approvers,
  JsonObject,
  JsonValue,
  KnownLedgerEventType,
  LedgerEvent,
  LedgerEventDraft,
  LedgerEventType,
  Review,
  RunRecord,
} from './event.js';
export { recordVerdicts } from './verdicts.js';
