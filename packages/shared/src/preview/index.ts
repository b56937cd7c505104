export {
  digestValue,
  fingerprintPlan,
  parseExpectedPlan,
  planChanged,
  FINGERPRINT_VERSION,
  type PlanFingerprint,
  type PlanPart,
  type PlanPhase,
} from './fingerprint.js';
export { buildPreview, type PreviewContext, type PreviewOptions } from './preview.js';
export { renderPreview, type PreviewContent, type PreviewSection } from './render.js';
export { APPLY_TIME_GUARDS, type CleanupPreviewOptions } from './cleanup.js';
export type { CutoverPreview } from './cutover.js';
export type { DataPreview } from './data.js';
