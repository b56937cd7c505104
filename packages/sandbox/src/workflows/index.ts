export {
  WorkflowRunner,
  type EnvironmentSettings,
  type PullRequestEvent,
  type RunOptions,
  type WorkflowRun,
  type WorkflowRunnerOptions,
} from './run-workflow.js';
export type { JobRecord, Result as WorkflowResult, StepRecord } from './job.js';
export { loadWorkflow, type LoadedWorkflow } from './load.js';
export { dispatchInputs, type DispatchInputs } from './inputs.js';
export { expandMatrix, type MatrixLeg } from './matrix.js';
export {
  WorkflowExpressionError,
  WorkflowFileError,
  WorkflowInputError,
  WorkflowStepError,
} from './errors.js';
