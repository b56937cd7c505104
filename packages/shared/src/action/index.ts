export { runAction } from './run-action.js';
export { createActionIO, type ActionIO } from './io.js';
export { maskSecret } from './mask.js';
export { failureMessage, isExpectedError } from './messages.js';
export type { IntegerInputOptions, StringInputOptions } from './inputs.js';
export { setUpAction, type CommonInputs } from './setup.js';
