export { readRunContext, runToken, type RunContext } from './run-context.js';
