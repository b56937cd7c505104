export {
  Report,
  statusLabels,
  type Check,
  type CheckStatus,
  type ReportJSON,
  type VerdictOptions,
} from './report.js';
export { writeReportSummary, type JobSummary } from './summary.js';
export { escapeHtml, escapeMarkdownCell } from './escape.js';
