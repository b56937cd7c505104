export {
  cutOver,
  CutoverFailed,
  type CutoverContext,
  type CutoverOptions,
  type CutoverResult,
} from './cutover.js';
export { checkCutoverAllowed, type CutoverGuard } from './guards.js';
export { cutoverState, CUTOVER_EVENTS, type CutoverState } from './state.js';
export { planCutover, describeChange, type CutoverPlan, type ParameterChange } from './plan.js';
export { cutoverFingerprint } from './fingerprint.js';
export { recordedParameters, type RecordedParameter } from './events.js';
export { rollbackCommand, writeCutoverSummary, writeRollbackSummary } from './summary.js';
export type { BakeOutcome } from './bake.js';
export {
  WRITE_EVENTS,
  WRITE_STRATEGIES,
  type WriteStrategyInput,
  type WriteStrategyOptions,
  type WriteStrategyOutcome,
} from './write-strategy.js';
