import type { WorkflowTemplate } from '@actions/workflow-parser';
import { WorkflowInputError } from './errors.js';

/** Inputs of a dispatch as the caller gives them: `true`/`'true'` alike for a boolean. */
export type DispatchInputs = Record<string, string | boolean>;

/** The inputs context of the run: booleans as booleans, everything else as strings (as GitHub types them). */
export type InputsContext = Record<string, string | boolean>;

/**
 * The `inputs` of a `workflow_dispatch`, checked as GitHub checks a dispatch (the REST call answers 422):
 * every name declared under `on.workflow_dispatch.inputs`, every required one given or defaulted, a
 * `choice` among its options, a `boolean` true or false. Defaults fill what is not given.
 */
export function dispatchInputs(
  file: string,
  template: WorkflowTemplate,
  given: DispatchInputs,
): InputsContext {
  const dispatch = template.events.workflow_dispatch;
  if (!dispatch) throw new WorkflowInputError(file, 'has no on.workflow_dispatch: it cannot be dispatched');
  const declared = dispatch.inputs ?? {};
  const names = Object.keys(declared);
  for (const name of Object.keys(given)) {
    if (!(name in declared)) {
      throw new WorkflowInputError(
        file,
        `unknown input "${name}"; on.workflow_dispatch.inputs declares: ${names.join(', ') || '(none)'}`,
      );
    }
  }
  const inputs: InputsContext = {};
  for (const [name, config] of Object.entries(declared)) {
    const value = given[name] ?? config.default;
    if (value === undefined || value === '') {
      if (config.required) {
        throw new WorkflowInputError(file, `input "${name}" is required and was not given`);
      }
      inputs[name] = config.type === 'boolean' ? false : '';
      continue;
    }
    const text = String(value);
    switch (config.type) {
      case 'boolean':
        if (text !== 'true' && text !== 'false') {
          throw new WorkflowInputError(file, `input "${name}" is a boolean: true or false, not "${text}"`);
        }
        inputs[name] = text === 'true';
        break;
      case 'choice':
        if (!(config.options ?? []).includes(text)) {
          throw new WorkflowInputError(
            file,
            `input "${name}" must be one of ${(config.options ?? []).join(', ')}, not "${text}"`,
          );
        }
        inputs[name] = text;
        break;
      default:
        inputs[name] = text;
    }
  }
  return inputs;
}
