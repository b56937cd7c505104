export {
  runAction,
  HARNESS_REPOSITORY,
  ActionTimeoutError,
  type ActionRun,
  type RunActionOptions,
  type Annotation,
  type AnnotationLevel,
} from './run-action.js';
export {
  readActionMetadata,
  inputEnvName,
  type ActionMetadata,
  type ActionInput,
} from './action-metadata.js';
export { parseKeyValueFile } from './file-commands.js';
export { parseWorkflowCommands, type WorkflowCommandLog } from './workflow-commands.js';
export { repositoryRoot, resolveNode } from './node-binary.js';
export { errorsOf, everythingPrinted } from './inspect.js';
