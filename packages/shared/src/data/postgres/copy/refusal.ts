import { VerdictError } from '../../../errors/verdict-error.js';

/**
 * The copy will not start: a precondition is unmet. Thrown by the plan, before anything on v2 changes, with
 * every problem found (not only the first), each saying what is wrong and what to do.
 */
export class PostgresCopyRefusal extends VerdictError {
  constructor(readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `PostgreSQL copy refused: ${problems[0]}`
        : `PostgreSQL copy refused:\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
    this.name = 'PostgresCopyRefusal';
  }
}

/**
 * A step of the copy failed while it ran; the message names the step and the object. An outcome to report,
 * not a defect of the toolkit: no stack trace is printed.
 */
export class PostgresCopyError extends VerdictError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options && 'cause' in options) Object.defineProperty(this, 'cause', { value: options.cause });
    this.name = 'PostgresCopyError';
  }
}
