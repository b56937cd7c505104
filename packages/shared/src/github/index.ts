export {
  getFromGitHub,
  requestGitHub,
  githubApiBase,
  type GitHubAnswer,
  type GitHubRequest,
} from './rest.js';
export { readRunContext, runToken, type RunContext } from './run-context.js';
export {
  readEnvironmentProtection,
  type EnvironmentProtection,
  type EnvironmentSource,
} from './environment.js';
export {
  upsertStickyComment,
  stickyBody,
  previewMarker,
  pullRequestNumber,
  COMMENT_BODY_LIMIT,
  GITHUB_ACTIONS_LOGIN,
  type StickyComment,
  type StickyOutcome,
} from './comments.js';
