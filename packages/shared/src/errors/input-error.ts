/** Where in a config file the bad value sits, so the message can point at the exact line. */
export interface InputLocation {
  file: string;
  line?: number;
}

/**
 * A value the user supplied (an action input or a config file entry) is wrong. It is raised before any
 * AWS call, and its message alone tells the user what to change: which input or file line, and the
 * expected form.
 */
export class InputError extends Error {
  /** The action input, or the config file path, that the user must fix. */
  readonly input: string;
  /** What is wrong, without the "Input 'x'" / "file:line" prefix. */
  readonly detail: string;
  readonly file?: string;
  readonly line?: number;

  constructor(input: string, detail: string, location?: InputLocation) {
    super(
      location
        ? `Config file ${location.file}${lineSuffix(location.line)}: ${detail}`
        : `Input '${input}': ${detail}`,
    );
    this.name = 'InputError';
    this.input = input;
    this.detail = detail;
    if (location) {
      this.file = location.file;
      if (location.line !== undefined) this.line = location.line;
    }
  }
}

function lineSuffix(line: number | undefined): string {
  return line === undefined ? '' : `, line ${line}`;
}
