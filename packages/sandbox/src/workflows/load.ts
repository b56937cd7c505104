import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  isMapping,
  isSequence,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { WorkflowFileError } from './errors.js';

/** A workflow file as GitHub reads it: its path (for messages) and the parser's model of it. */
export interface LoadedWorkflow {
  file: string;
  /** `name:` of the workflow, or the file's name as GitHub shows it. */
  name: string;
  template: WorkflowTemplate;
  /**
   * Each job's steps as written, by job id: GitHub's converted model leaves out `with:` (the runner
   * reads it from the step as written), so it is taken from here.
   */
  rawSteps: Map<string, (MappingToken | undefined)[]>;
}

/**
 * Parses a workflow with GitHub's own parser and schema (the one the Actions service and the VS Code
 * extension use) and converts it to the model the runner walks. Any error, the parser's or the
 * converter's (a job `needs:` one that does not exist, a cycle), fails loudly with all of them: a
 * workflow GitHub would refuse to run must not run here.
 */
export async function loadWorkflow(file: string): Promise<LoadedWorkflow> {
  const content = await readFile(file, 'utf8');
  const relative = path.relative(process.cwd(), file);
  const shown = relative && !relative.startsWith('..') ? relative : file;
  const parsed = parseWorkflow({ name: shown, content }, new NoOperationTraceWriter());
  const parseErrors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parseErrors.length > 0 || !parsed.value) {
    throw new WorkflowFileError(shown, parseErrors.length > 0 ? parseErrors : ['the file is empty']);
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  const convertErrors = [
    ...parsed.context.errors.getErrors().map((e) => e.message),
    ...(template.errors ?? []).map((e) => e.Message),
  ];
  if (convertErrors.length > 0) throw new WorkflowFileError(shown, [...new Set(convertErrors)]);
  const nameToken = parsed.value.assertMapping('workflow').find('name');
  const name = nameToken?.isLiteral ? nameToken.toString() : path.basename(file);
  return { file: shown, name, template, rawSteps: stepsAsWritten(parsed.value) };
}

function stepsAsWritten(root: TemplateToken): Map<string, (MappingToken | undefined)[]> {
  const out = new Map<string, (MappingToken | undefined)[]>();
  const jobs = isMapping(root) ? root.find('jobs') : undefined;
  if (!jobs || !isMapping(jobs)) return out;
  for (const { key, value } of jobs) {
    const steps = isMapping(value) ? value.find('steps') : undefined;
    const list = steps && isSequence(steps) ? [...steps].map((s) => (isMapping(s) ? s : undefined)) : [];
    out.set(key.toString(), list);
  }
  return out;
}
