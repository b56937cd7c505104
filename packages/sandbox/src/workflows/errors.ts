/*
 * What the workflow runner refuses, each naming the file (and the job and step) it is about, so that a
 * broken workflow reads as one line in the rehearsal's output rather than as a stack trace.
 */

/** The file does not parse, or GitHub's own schema rejects it: every error the parser reported. */
export class WorkflowFileError extends Error {
  constructor(
    readonly file: string,
    readonly errors: string[],
  ) {
    super(`${file} is not a valid workflow:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'WorkflowFileError';
  }
}

/** A dispatch the workflow does not accept: an unknown input, a missing required one, a bad value. */
export class WorkflowInputError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'WorkflowInputError';
  }
}

/** A `${{ }}` that does not parse or evaluate, with where it is written. */
export class WorkflowExpressionError extends Error {
  constructor(
    readonly where: string,
    readonly expression: string,
    cause: string,
  ) {
    super(`${where}: \${{ ${expression} }}: ${cause}`);
    this.name = 'WorkflowExpressionError';
  }
}

/** A step the runner cannot or will not run: a `uses:` it has no stand-in for, a bad `with:`. */
export class WorkflowStepError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'WorkflowStepError';
  }
}
