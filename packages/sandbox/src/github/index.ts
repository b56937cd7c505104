export {
  GitHubApi,
  type ApprovalInput,
  type GitHubApiOptions,
  type GitHubRequestRecord,
} from './api-server.js';
