export {
  parsePreviewDigest,
  readPreviewDigest,
  PULUMI_PREVIEW_INPUT,
  STEP_OPS,
  type PreviewDigest,
  type PreviewStep,
} from './digest.js';
export { classifyStep, parseUrn, type ClassifiedResource } from './classify.js';
export { judgePulumiPreview, type GuardProblem, type PulumiVerdict } from './judge.js';
export { renderPulumiVerdict, pulumiVerdictLine, PULUMI_SECTION_TITLE } from './render.js';
