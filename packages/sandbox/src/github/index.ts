export {
  GitHubApi,
  type ApprovalInput,
  type GitHubApiOptions,
  type GitHubRequestRecord,
} from './api-server.js';
export type { EnvironmentInput, EnvironmentReviewerInput } from './environments.js';
