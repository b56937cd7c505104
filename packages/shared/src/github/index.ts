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
