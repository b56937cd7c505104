/**
 * Recognises workflow commands (`::name key=value,…::data`) in an action's output, line by line,
 * as the runner does on both stdout and stderr.
 */

export type AnnotationLevel = 'error' | 'warning' | 'notice' | 'debug';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  /** e.g. `file`, `line`, `col`, `endLine`, `endColumn`, `title`; un-escaped. */
  properties: Record<string, string>;
}

export interface WorkflowCommandLog {
  annotations: Annotation[];
  /** Values registered with `::add-mask::`. */
  masks: string[];
  /** From the deprecated `::set-output name=…::`, which runners still honour. */
  outputs: Record<string, string>;
  /** From the deprecated `::save-state name=…::`. */
  state: Record<string, string>;
}

const ANNOTATIONS = new Set<string>(['error', 'warning', 'notice', 'debug']);

/** @actions/core escapes `%`, CR and LF in data; properties also `:` and `,`. */
function unescape(value: string, property: boolean): string {
  const pattern = property ? /%(?:25|0D|0A|3A|2C)/g : /%(?:25|0D|0A)/g;
  return value.replace(
    pattern,
    (code) => ({ '%25': '%', '%0D': '\r', '%0A': '\n', '%3A': ':', '%2C': ',' })[code] ?? code,
  );
}

export class WorkflowCommandParser {
  readonly log: WorkflowCommandLog = { annotations: [], masks: [], outputs: {}, state: {} };
  // `::stop-commands::TOKEN` turns command processing off until a line `::TOKEN::`.
  private resumeToken: string | undefined;

  line(raw: string): void {
    // The runner trims leading whitespace, then needs `::`, a command name, `::`, the data.
    const line = (raw.endsWith('\r') ? raw.slice(0, -1) : raw).trimStart();
    if (!line.startsWith('::')) return;
    const end = line.indexOf('::', 2);
    if (end < 0) return;
    const head = line.slice(2, end);
    const data = line.slice(end + 2);
    const space = head.indexOf(' ');
    const command = space < 0 ? head : head.slice(0, space); // case-sensitive, as on the runner
    if (this.resumeToken !== undefined) {
      if (command.toLowerCase() === this.resumeToken.toLowerCase()) this.resumeToken = undefined;
      return;
    }
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const pair of head
        .slice(space + 1)
        .trim()
        .split(',')) {
        const equals = pair.indexOf('=');
        // `key=` (empty value) is dropped by the runner too
        if (equals <= 0 || equals === pair.length - 1) continue;
        properties[pair.slice(0, equals)] = unescape(pair.slice(equals + 1), true);
      }
    }
    const message = unescape(data, false);
    if (ANNOTATIONS.has(command)) {
      this.log.annotations.push({ level: command as AnnotationLevel, message, properties });
    } else if (command === 'add-mask') {
      if (message !== '') this.log.masks.push(message);
    } else if (command === 'stop-commands') {
      this.resumeToken = data;
    } else if (command === 'set-output' && properties.name) {
      this.log.outputs[properties.name] = message;
    } else if (command === 'save-state' && properties.name) {
      this.log.state[properties.name] = message;
    }
    // group, endgroup, echo and unknown commands do not change the result.
  }
}

/** Feeds chunks of one stream into the parser, a complete line at a time. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  end(): void {
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}

export function parseWorkflowCommands(text: string): WorkflowCommandLog {
  const parser = new WorkflowCommandParser();
  for (const line of text.split('\n')) parser.line(line);
  return parser.log;
}
