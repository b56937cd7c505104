export { readRunContext, runToken, type RunContext } from './run-context.js';
export {
  readEnvironmentProtection,
  type EnvironmentProtection,
  type EnvironmentSource,
} from './environment.js';
